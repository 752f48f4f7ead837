"""SIE parse benchmark: our reader against the floor and against pysie-accounting.

Run ``python -m bench sie`` (or ``python -m bench.sie_parse``); it prints one JSON document.

For each size (#TRANS rows: 10k, 100k, 1M by default) a SIE 4E file is generated with
:func:`bokslut.sie.generator.write_generated_sie` in a temporary folder, and measured in the
same run. Every measurement runs in a fresh child process so that its memory figures are its
own:

* ``floor``: what any Python reader must do at least: read, decode CP437, split into lines
  and fields, nothing else;
* ``reader``: ``bokslut.sie.reader.SieReader(validate=False)``, iterating every item (the
  parse the target is about);
* ``reader_validated``: the same with the validation report on, as the importer runs it;
* ``pysie``: the ``pysie-accounting`` package (PyPI), where it can read the file at all,
  with a timeout, and not above ``--pysie-max`` rows;
* ``baseline``: an idle interpreter that imported the same modules.

Figures per measurement: ``seconds`` (wall), ``cpu_seconds`` (user + system; steadier on a
shared machine), ``peak_rss_mib`` (``ru_maxrss`` of the child), ``rss_over_baseline_mib``
(that minus the idle interpreter's), and, from a second run under ``tracemalloc``,
``tracemalloc_peak_mib`` (peak of Python allocations only; the run itself is slower, so its
time is not reported). Targets are evaluated and reported, never enforced: the exit status
does not depend on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

SIZES = (10_000, 100_000, 1_000_000)
SEED = 2024
KINDS = ("baseline", "floor", "reader", "reader_validated", "pysie")


# -- measurements (run inside the child process) ---------------------------------------------


def _floor(path: Path) -> dict[str, int]:
    lines = fields = 0
    with path.open(encoding="cp437", newline=None) as text:
        for line in text:
            lines += 1
            fields += len(line.split())
    return {"lines": lines, "fields": fields}


def _reader(path: Path, *, validate: bool = False) -> dict[str, int]:
    """Parse only (the reader); the validation report is measured separately."""
    from bokslut.sie.model import Voucher
    from bokslut.sie.reader import SieReader, accelerated

    items = vouchers = rows = 0
    reader = SieReader(path, validate=validate)
    for item in reader:
        items += 1
        if isinstance(item, Voucher):
            vouchers += 1
            rows += len(item.rows)
    return {
        "items": items,
        "vouchers": vouchers,
        "rows": rows,
        "issues": len(reader.issues),
        "accelerated": int(accelerated()),
    }


def _reader_validated(path: Path) -> dict[str, int]:
    """Parse plus the validation report, as the importer runs them."""
    return _reader(path, validate=True)


def _pysie(path: Path) -> dict[str, int]:
    from pysie_accounting.pysie import PySIE  # type: ignore[import-untyped]

    sie = PySIE()
    sie.sie_encoding = "cp437"  # its default is UTF-8; SIE files are CP437
    # open() merges the chart with an SRU→INK2 table and fails without one.
    sie.open_trans(str(_sru_table(path)))
    sie.open(str(path))
    vouchers = sie.verifikat or {}
    return {
        "vouchers": len(vouchers),
        "rows": sum(len(v[3]) for v in vouchers.values()),
    }


def _sru_table(path: Path) -> Path:
    """The SRU→INK2 CSV pysie-accounting wants, written by the parent next to the file."""
    return path.with_suffix(".sru.csv")


def _write_sru_table(path: Path) -> None:
    codes: set[str] = set()
    with path.open(encoding="cp437") as text:
        for line in text:
            if line.startswith("#SRU "):
                codes.add(line.split()[2])
            elif line.startswith("#VER"):
                break
    rows = "".join(f"{code},{code}\n" for code in sorted(codes))
    _sru_table(path).write_text("SRU,Ink2\n" + rows)


def _baseline(path: Path) -> dict[str, int]:
    import bokslut.sie.reader  # noqa: F401 -- the idle interpreter loads what the others load

    return {}


_MEASURES = {
    "baseline": _baseline,
    "floor": _floor,
    "reader": _reader,
    "reader_validated": _reader_validated,
    "pysie": _pysie,
}


def measure_here(kind: str, path: Path, *, trace: bool) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    if kind != "pysie":
        import bokslut.sie.reader  # noqa: F401 -- same imports in every child, for the RSS baseline
    if trace:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    counts = _MEASURES[kind](path)
    result: dict[str, Any] = {
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        **counts,
    }
    if trace:
        result["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    # ru_maxrss is in KiB on Linux, but after exec it starts from the parent's RSS at spawn
    # time (the parent has just generated a big file), so the peak of this process's own
    # memory map (VmHWM) is the figure used where /proc has it.
    ru_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["ru_maxrss_mib"] = round(ru_maxrss, 1)
    result["peak_rss_mib"] = round(_vm_hwm_mib() or ru_maxrss, 1)
    return result


def _vm_hwm_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# -- orchestration (parent process) -----------------------------------------------------------


def _child(kind: str, path: Path, *, trace: bool, timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.sie_parse", "--measure", kind, "--file", str(path)]
    if trace:
        command.append("--trace")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "timeout_seconds": timeout}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"status": "failed", "error": last[:300]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["status"] = "ok"
    return result


def _measure(
    kind: str, path: Path, *, baseline_mib: float, tracemalloc_too: bool, timeout: float
) -> dict[str, Any]:
    result = _child(kind, path, trace=False, timeout=timeout)
    if result["status"] != "ok":
        return result
    result["rss_over_baseline_mib"] = round(result["peak_rss_mib"] - baseline_mib, 1)
    if tracemalloc_too:
        traced = _child(kind, path, trace=True, timeout=timeout * 4)
        result["tracemalloc_peak_mib"] = traced.get("tracemalloc_peak_mib", traced["status"])
    return result


def bench_import(
    path: Path, *, backends: tuple[str, ...] = ("sqlite", "postgresql")
) -> dict[str, Any]:
    """Import time of ``path`` into SQLite and PostgreSQL, where the ledger importer exists.

    Uses ``bokslut.ledger.benchsupport.run_import_benchmark`` (a fresh database per run, in a
    child process, around ``bokslut.ledger.importer.import_sie_file``); records
    ``"not available"`` when that cannot be imported and the error when a backend fails.
    """
    try:
        from bokslut.ledger.benchsupport import run_import_benchmark
    except Exception as exc:  # any import failure means "not wired yet"
        return {"status": "not available", "reason": f"{type(exc).__name__}: {exc}"}
    results: dict[str, Any] = {}
    for backend in backends:
        try:
            results[backend] = run_import_benchmark(path, backend=backend)  # type: ignore[arg-type]
        except Exception as exc:  # record it; do not lose the other figures
            results[backend] = {"status": "failed", "error": str(exc)[-300:]}
    return results


def _machine() -> dict[str, Any]:
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
    }


def _targets(sizes: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Evaluate the targets of docs/performance.md on the figures (report only)."""
    out: dict[str, Any] = {}
    largest, smallest = max(sizes), min(sizes)
    reader, floor = sizes[largest]["reader"], sizes[largest]["floor"]
    if reader.get("status") == "ok" and floor.get("status") == "ok":
        ratio = reader["cpu_seconds"] / max(floor["cpu_seconds"], 1e-9)
        out["reader_cpu_vs_floor_at_largest"] = {
            "rows": largest,
            "ratio": round(ratio, 2),
            "target": "<= 3",
            "met": ratio <= 3,
        }
    validated = sizes[largest].get("reader_validated", {})
    if validated.get("status") == "ok" and floor.get("status") == "ok":
        ratio = validated["cpu_seconds"] / max(floor["cpu_seconds"], 1e-9)
        out["reader_with_validation_cpu_vs_floor_at_largest"] = {
            "rows": largest,
            "ratio": round(ratio, 2),
            "note": "parse plus the validation report (what the importer runs)",
        }
    peaks = {n: s["reader"].get("peak_rss_mib") for n, s in sizes.items()}
    over = {n: s["reader"].get("rss_over_baseline_mib") for n, s in sizes.items()}
    if all(isinstance(p, float | int) for p in peaks.values()):
        worst = max(peaks.values())
        out["reader_peak_memory"] = {
            "max_peak_rss_mib": worst,
            "max_rss_over_baseline_mib": max(over.values()),
            "target": "< 200 MB",
            "met": worst * 2**20 < 200e6,
        }
        if largest != smallest:
            # Whole-process peaks: the over-baseline figures are a few MiB, too small to divide.
            growth = peaks[largest] / peaks[smallest]
            out["reader_memory_growth"] = {
                "from_rows": smallest,
                "to_rows": largest,
                "ratio": round(growth, 2),
                "target": "<= 2",
                "met": growth <= 2,
            }
    return out


def run(
    sizes: tuple[int, ...],
    *,
    pysie_max: int,
    timeout: float,
    tracemalloc_too: bool,
    with_import: bool,
    work_dir: Path,
    command: str = "python -m bench.sie_parse",
) -> dict[str, Any]:
    """Generate the files, measure everything, and return the JSON-ready report."""
    from bokslut.sie.generator import write_generated_sie

    report: dict[str, Any] = {
        "benchmark": "sie_parse",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "command": command,
        "seed": SEED,
        "notes": {
            "seconds": "wall clock of the child process's work (reported, never a gate)",
            "cpu_seconds": "user+system CPU of that work; ratios use this",
            "peak_rss_mib": "peak RSS of the child (VmHWM; ru_maxrss_mib is also given but "
            "on Linux it inherits the parent's RSS at spawn); rss_over_baseline_mib subtracts "
            "an idle interpreter that imported the same modules",
            "tracemalloc_peak_mib": "peak of Python allocations in a separate traced run",
        },
        "sizes": {},
    }
    for rows in sizes:
        path = work_dir / f"generated_{rows}.se"
        made = write_generated_sie(path, seed=SEED, transactions=rows, years=2)
        _write_sru_table(path)
        base = _child("baseline", path, trace=False, timeout=timeout)
        baseline_mib = float(base.get("peak_rss_mib", 0.0))
        entry: dict[str, Any] = {
            "file": {
                "trans_rows": made.transactions,
                "vouchers": made.vouchers,
                "bytes": made.size_bytes,
            },
            "baseline": base,
        }
        for kind in ("floor", "reader", "reader_validated"):
            entry[kind] = _measure(
                kind,
                path,
                baseline_mib=baseline_mib,
                tracemalloc_too=tracemalloc_too,
                timeout=timeout,
            )
        if rows > pysie_max:
            entry["pysie"] = {"status": "skipped", "reason": f"above --pysie-max {pysie_max}"}
        else:
            entry["pysie"] = _measure(
                "pysie", path, baseline_mib=baseline_mib, tracemalloc_too=False, timeout=timeout
            )
        for kind in ("reader", "reader_validated", "pysie"):
            fig, floor = entry[kind], entry["floor"]
            if fig.get("status") == "ok":
                # A fast reader that misses vouchers is not a result: say whether it got all.
                fig["read_all_vouchers"] = fig.get("vouchers") == made.vouchers
            if fig.get("status") == "ok" and floor.get("status") == "ok":
                fig["cpu_vs_floor"] = round(fig["cpu_seconds"] / max(floor["cpu_seconds"], 1e-9), 2)
        entry["import"] = (
            bench_import(path) if with_import else {"status": "skipped", "reason": "use --import"}
        )
        report["sizes"][str(rows)] = entry
        print(f"measured {rows} rows", file=sys.stderr)
    report["targets"] = _targets({int(k): v for k, v in report["sizes"].items()})
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (``python -m bench sie`` / ``python -m bench.sie_parse``)."""
    parser = argparse.ArgumentParser(prog="bench.sie_parse", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", help="comma-separated #TRANS row counts (default 10k,100k,1M)")
    parser.add_argument("--quick", action="store_true", help="10k rows only")
    parser.add_argument(
        "--pysie-max",
        type=int,
        default=100_000,
        help="largest file to give pysie-accounting (default 100000)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per measurement")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced runs")
    parser.add_argument(
        "--import",
        dest="with_import",
        action="store_true",
        help="also time the ledger import into SQLite and PostgreSQL",
    )
    parser.add_argument("--keep", type=Path, help="generate the files here and keep them")
    parser.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:  # child mode
        print(json.dumps(measure_here(args.measure, args.file, trace=args.trace)))
        return 0
    if args.quick:
        sizes: tuple[int, ...] = (10_000,)
    elif args.sizes:
        sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(","))
    else:
        sizes = SIZES
    options = {
        "command": " ".join(["python -m bench.sie_parse", *(argv or sys.argv[1:])]),
        "pysie_max": args.pysie_max,
        "timeout": args.timeout,
        "tracemalloc_too": not args.no_tracemalloc,
        "with_import": args.with_import,
    }
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run(sizes, work_dir=args.keep, **options)
    else:
        with tempfile.TemporaryDirectory(prefix="bokslut-bench-") as tmp:
            report = run(sizes, work_dir=Path(tmp), **options)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
