# Shared set-up for scripts/demo and scripts/test: sourced, not run.
# Creates .venv with the project installed (editable) and the given extras.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_venv() {
  local extras="$1"
  local stamp="$VENV/.installed-$extras"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating virtual environment in .venv"
    python3 -m venv "$VENV" || { echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)" >&2; exit 1; }
  fi
  # Reinstall only when the packaging or the C accelerator changed since the last install.
  local changed=""
  for f in "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT"/src/bokslut/sie/_speedups.c; do
    if [ -f "$f" ] && [ "$f" -nt "$stamp" ]; then changed=1; fi
  done
  if [ ! -f "$stamp" ] || [ -n "$changed" ]; then
    say "Installing bokslut and its dependencies ($extras)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$extras]"
    touch "$stamp"
  fi
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: $* (and no apt-get to install it with). Install it and run again." >&2
    exit 1
  fi
  say "Installing Debian packages: $*"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql; fi
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then echo "Missing: a PostgreSQL cluster (apt-get install postgresql)" >&2; exit 1; fi
  say "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "Missing: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1
  fi
  if ! psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1; then
    echo "PostgreSQL answers but user postgres cannot log in from 127.0.0.1 without a password:" >&2
    echo "set 'host all all 127.0.0.1/32 trust' in pg_hba.conf for the test cluster." >&2
    exit 1
  fi
}

# Redis on 127.0.0.1:6379 (rate limiter, locks, RQ).
ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  say "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/bokslut-test.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Missing: Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }
}

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; never
# `playwright install`, which downloads a browser build of its own).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  apt_install chromium
  [ -x /usr/bin/chromium ] || { echo "Missing: /usr/bin/chromium (apt-get install chromium)" >&2; exit 1; }
}
