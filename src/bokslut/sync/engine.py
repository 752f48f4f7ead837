"""The sync engine: probe cheaply, plan, fetch, write one year per transaction, record.

Requests of a sync with nothing new (see :mod:`bokslut.sync.planner`):
``GET /3/financialyears``, ``GET /3/settings/lockedperiod``, and for each year not
already locked when we wrote it ``GET /3/voucherseries`` and ``GET /3/accounts`` with
``lastmodified`` (renamed accounts). Registers are re-read when vouchers are new (every
ledger event books a voucher), on a full comparison, and otherwise once a day.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from bokslut import fortnox as fx
from bokslut.firms.models import Client
from bokslut.firms.validators import normalise_org_number
from bokslut.ledger import models as m
from bokslut.registers import models as reg
from bokslut.registers.services import register_sync
from bokslut.sie.writer import write_document
from bokslut.sync import planner
from bokslut.sync.archive import Archive
from bokslut.sync.changes import Diff
from bokslut.sync.jsonledger import sie_voucher, year_document
from bokslut.sync.labels import area_label
from bokslut.sync.models import ClientState, SyncRun, YearState
from bokslut.sync.options import SyncOptions
from bokslut.sync.progress import ProgressBoard
from bokslut.sync.streams import REGISTER_STREAMS
from bokslut.sync.yearwrite import (
    YearTarget,
    apply_account_changes,
    remember_unchanged,
    write_delta,
    write_year_file,
)

__all__ = ["Progress", "SyncEngine"]

#: ``progress(area, done, total)``: called as each area advances (CLI bar, live UI).
Progress = Callable[[str, int, int], None]

#: Errors after which the SIE export is given up for the JSON path.
SIE_REFUSED = (fx.LicenceMissing, fx.ServerError, fx.FortnoxUnavailable, fx.UnexpectedResponse)

_LEDGER_AREAS = {"vouchers", "chart_of_accounts", "balances", "period_balances"}
#: The areas the year-by-year pipeline brings in together (cost centres and projects are
#: the SIE export's #OBJEKT rows), so they share one state and one count of years.
_BOOKKEEPING = (
    "chart_of_accounts",
    "balances",
    "period_balances",
    "vouchers",
    "voucher_series",
    "cost_centres",
    "projects",
)


class SyncEngine:
    """One run's work; :func:`bokslut.sync.services.sync_run` drives and records it."""

    def __init__(
        self,
        *,
        run: SyncRun,
        client: Client,
        fortnox: fx.FortnoxClient,
        areas: list[str],
        full: bool,
        options: SyncOptions,
        progress: Progress | None,
    ) -> None:
        self.run = run
        self.client = client
        self.fortnox = fortnox
        self.areas = set(areas)
        self.full = full
        self.options = options
        self.progress = progress
        self.archive = Archive(run)
        self.diff = Diff(run)
        self.saw_new_vouchers = False
        #: Areas whose endpoint this run saw answer, or refuse for a missing licence: what
        #: the connection's licences are refreshed from without a request of their own.
        self.answered: set[str] = set()
        self.refused: set[str] = set()
        self._source: m.Source | None = None
        self.state, self.first_sync = ClientState.objects.get_or_create(client=client)
        self.board = ProgressBoard(areas, save=self._save_progress)

    # -- small helpers ----------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Add a Swedish warning to the run."""
        if message not in self.run.warnings:
            self.run.warnings.append(message)

    def step(self, area: str, done: int, total: int, *, areas: tuple[str, ...] = ()) -> None:
        """Report a step to the caller (CLI bar, lease check) and to the board.

        ``areas`` are the run's areas this step advances; without them only the pointer
        moves (a voucher of a year, a register of several).
        """
        if areas:
            self.board.advance(areas, done, total, label=area)
        else:
            self.board.point(area, done, total)
        if self.progress is not None:
            self.progress(area, done, total)

    def _save_progress(
        self, areas: dict[str, dict[str, object]], pointer: dict[str, object]
    ) -> bool:
        """Write the board to the run row, never from inside a transaction.

        Inside one (a year's write, or a caller's) the row is left alone: on SQLite the
        update would hold the write lock until the year commits, and on any database a
        rolled-back year would take the progress with it. The board tries again at the
        next step, and the run's final save stores it anyway.
        """
        self.run.area_progress = areas
        self.run.progress = pointer
        if transaction.get_connection().in_atomic_block:
            return False
        SyncRun.objects.filter(pk=self.run.pk).update(area_progress=areas, progress=pointer)
        return True

    def source(self) -> m.Source:
        """The ledger source of this run's JSON writes (registers, account changes)."""
        if self._source is None:
            self._source = m.Source.objects.create(
                client=self.client, kind=m.Source.Kind.FORTNOX, name=f"Fortnox-synk {self.run.pk}"
            )
        return self._source

    # -- the run ----------------------------------------------------------------------------

    def execute(self) -> None:
        """Do the whole sync; raises on the first error that stops it.

        The board ends exact either way: on success areas never reached were not needed
        (skipped); on an error the running ones failed and the waiting ones were skipped.
        """
        try:
            self._execute()
        except BaseException:
            self.board.fail()
            raise
        self.board.settle()

    def _execute(self) -> None:
        started = timezone.now()
        if "company_info" in self.areas and (self.full or self.first_sync):
            self.board.start(["company_info"])
            self._company_info()
            self.answered.add("company_info")
            self.board.finish(["company_info"])
        else:
            self.board.skip(["company_info"])
        self.board.start(["financial_years"])
        years = self.fortnox.financial_years()
        self.archive.json("GET /3/financialyears", {}, [y.raw for y in years])
        self.answered.add("financial_years")
        self.board.finish(["financial_years"])
        self.board.start(["locked_period"])
        locked = self._locked_period()
        self.answered.add("locked_period")
        self.board.finish(["locked_period"])
        if self.areas & _LEDGER_AREAS or "voucher_series" in self.areas:
            self._years(years, locked)
        self._registers()
        self.state.accounts_checked_at = started
        if self.full or self.first_sync:
            # A first sync reads every year in bulk: as good as a full comparison, so the
            # scheduler need not repeat it at once.
            self.state.full_compared_at = started
        self.state.save()

    def _company_info(self) -> None:
        info = self.fortnox.company_information()
        self.archive.json("GET /3/companyinformation", {}, info.raw)
        stated = info.organization_number or ""
        try:
            same = normalise_org_number(stated) == self.client.org_number
        except ValueError:
            same = False
        if not same:
            self.warn(
                f"Företaget i Fortnox har organisationsnummer {stated or 'saknas'}, "
                f"klienten {self.client.org_number}"
            )

    def _locked_period(self) -> dt.date | None:
        period = self.fortnox.locked_period()
        payload = self.archive.json("GET /3/settings/lockedperiod", {}, period.raw)
        if "locked_period" in self.areas:
            with transaction.atomic():
                row = reg.LockedPeriod.objects.filter(client=self.client).first()
                if row is None or row.end_date != period.end_date:
                    self.diff.record(
                        "locked_period",
                        "new" if row is None else "changed",
                        "låst period",
                        detail=f"{row.end_date if row else '–'} → {period.end_date or '–'}",
                        area="locked_period",
                    )
                    reg.LockedPeriod.objects.update_or_create(
                        client=self.client,
                        defaults={
                            "end_date": period.end_date,
                            "source": self.source(),
                            "payload": payload,
                        },
                    )
                else:
                    self.diff.count("locked_period", "unchanged")
                self.diff.save()
        return period.end_date

    # -- bookkeeping, year by year ----------------------------------------------------------

    def _years(self, years: list[fx.FinancialYear], locked: dt.date | None) -> None:
        remote = [
            planner.RemoteYear(y.id, y.from_date, y.to_date)
            for y in years
            if y.from_date is not None and y.to_date is not None
        ]
        by_id = {y.id: y for y in years}
        ordered = sorted(remote, key=lambda y: y.start)
        selected = planner.select_years(remote, years=self.options.years)
        held = {s.fortnox_year_id: s for s in YearState.objects.filter(client=self.client)}
        bookkeeping = tuple(area for area in _BOOKKEEPING if area in self.areas)
        self.board.start(bookkeeping, total=len(selected))
        for done, chosen in enumerate(selected):
            self.step("vouchers", done, len(selected), areas=bookkeeping)
            index = ordered.index(chosen)
            previous = by_id[ordered[index - 1].id] if index > 0 else None
            self._year(by_id[chosen.id], previous, held.get(chosen.id), locked)
        self.step("vouchers", len(selected), len(selected), areas=bookkeeping)
        self.board.finish(bookkeeping)

    def _year(
        self,
        year: fx.FinancialYear,
        previous: fx.FinancialYear | None,
        state: YearState | None,
        locked: dt.date | None,
    ) -> None:
        assert year.from_date is not None
        held = (
            planner.HeldYear(
                state.fortnox_year_id,
                state.start,
                state.end,
                state.series,
                state.locked,
                state.vouchers,
            )
            if state is not None
            else None
        )
        if not planner.needs_probe(held, full=self.full):
            self.run.paths[str(year.from_date)] = planner.Path.UNCHANGED
            return
        params = {"financialyear": year.id}
        series = self.fortnox.voucher_series(financial_year=year.id)
        series_payload = self.archive.json("GET /3/voucherseries", params, [s.raw for s in series])
        target = YearTarget(
            run=self.run,
            client=self.client,
            year=year,
            previous=previous,
            series=series,
            locked_until=locked,
            options=self.options,
            diff=self.diff,
            warn=self.warn,
            series_payload=series_payload,
        )
        decision = planner.decide_year(
            held, target.counters, full=self.full, rule=self.options.delta
        )
        if decision.new:
            self.saw_new_vouchers = True
        if decision.path == planner.Path.SIE:
            taken = self._bulk(target)
        elif decision.path == planner.Path.DELTA:
            self._delta(target, decision.new)
            taken = planner.Path.DELTA
        else:
            remember_unchanged(target)
            taken = planner.Path.UNCHANGED
        self.run.paths[str(year.from_date)] = str(taken)
        if taken in (planner.Path.UNCHANGED, planner.Path.DELTA):
            self._modified_accounts(target)

    def _bulk(self, target: YearTarget) -> planner.Path:
        """The whole year: one SIE 4 download, or the JSON path if SIE is refused."""
        params = {"financialyear": target.year.id}
        chart = list(self.fortnox.accounts(financial_year=target.year.id))
        self.archive.json("GET /3/accounts", params, [a.raw for a in chart])
        with tempfile.TemporaryDirectory(prefix="bokslut-sync-") as folder:
            path = Path(folder) / f"sie4-{target.year.id}.se"
            try:
                self.fortnox.download_sie(4, financial_year=target.year.id, destination=path)
            except SIE_REFUSED as error:
                self.warn(
                    f"SIE-exporten för räkenskapsåret {target.start:%Y-%m-%d} gick inte att "
                    f"hämta ({_message(error)}); året hämtades via JSON i stället."
                )
                document = year_document(
                    self.fortnox,
                    year=target.year,
                    previous=target.previous,
                    org_number=self.client.org_number,
                    company_name=self.client.name,
                    chart=chart,
                    on_payload=lambda endpoint, p, body: self._archive_json(endpoint, p, body),
                    on_progress=lambda done, total: self.step("vouchers (JSON)", done, total),
                    warn=self.warn,
                )
                write_document(document, path, sie_type="4E")
                write_year_file(target, path, path_taken="json", payload=None, chart=chart)
                return planner.Path.JSON
            payload = self.archive.file("GET /3/sie/{type}", {"type": 4, **params}, path)
            write_year_file(target, path, path_taken="sie", payload=payload, chart=chart)
            return planner.Path.SIE

    def _archive_json(self, endpoint: str, params: dict[str, Any], body: object) -> None:
        self.archive.json(endpoint, params, body)

    def _delta(self, target: YearTarget, new: tuple[tuple[str, int], ...]) -> None:
        """A few new vouchers of a large year: fetch just those."""
        vouchers = []
        for done, (series, number) in enumerate(new, start=1):
            voucher = self.fortnox.voucher(series, number, financial_year=target.year.id)
            self.archive.json(
                "GET /3/vouchers/{series}/{number}",
                {"financialyear": target.year.id, "series": series, "number": number},
                voucher.raw,
            )
            vouchers.append(sie_voucher(voucher))
            self.step("vouchers (nya)", done, len(new))
        write_delta(target, vouchers)

    def _modified_accounts(self, target: YearTarget) -> None:
        """Renamed or (de)activated accounts of a year not re-read in bulk."""
        checked = self.state.accounts_checked_at
        if "chart_of_accounts" not in self.areas or checked is None:
            return
        since = timezone.localtime(checked - self.options.modified_margin)
        stamp = since.strftime("%Y-%m-%d %H:%M")
        params = {"financialyear": target.year.id, "lastmodified": stamp}
        accounts = list(self.fortnox.accounts(financial_year=target.year.id, last_modified=stamp))
        self.archive.json("GET /3/accounts", params, [a.raw for a in accounts])
        if accounts:
            apply_account_changes(
                client=self.client,
                year_start=target.start,
                accounts=accounts,
                source=self.source(),
                policy=self.options.chart_policy,
                diff=self.diff,
            )

    # -- registers --------------------------------------------------------------------------

    def _register_change(self, area: str) -> Callable[[str, Any], None]:
        def record(kind: str, key: Any) -> None:
            self.diff.record("register", kind, f"{area} {key}", area=area)

        return record

    def _registers(self) -> None:
        streams = [s for s in REGISTER_STREAMS if s.area in self.areas]
        if not streams:
            return
        checked = self.state.registers_checked_at
        stale = checked is None or timezone.now() - checked >= self.options.register_max_age
        if not (self.full or self.saw_new_vouchers or stale):
            # Read recently enough and nothing new booked: not fetched this time.
            self.board.skip([s.area for s in streams])
            return
        started = timezone.now()
        complete = True
        for done, stream in enumerate(streams):
            self.step(stream.area, done, len(streams))
            self.board.start([stream.area])
            try:
                items = list(stream.fetch(self.fortnox))
            except fx.LicenceMissing as error:
                complete = False
                self.refused.add(stream.area)
                self.warn(f"{area_label(stream.area)}: {_message(error)} Området hoppades över.")
                self.board.skip([stream.area])
                continue
            self.answered.add(stream.area)
            payload = self.archive.json(stream.endpoint, {}, [i.raw for i in items])
            with transaction.atomic():
                counts = register_sync(
                    model=stream.model,
                    client=self.client,
                    key=stream.key,
                    desired={stream.identity(i): stream.values(i) for i in items},
                    source=self.source(),
                    payload=payload,
                    remove_missing=True,
                    on_change=self._register_change(stream.area),
                )
                self.diff.count(stream.area, "unchanged", counts.unchanged)
                self.diff.save()
            self.board.finish([stream.area])
        self.step("registers", len(streams), len(streams))
        if complete:
            self.state.registers_checked_at = started


def _message(error: BaseException) -> str:
    text = getattr(error, "user_message", None)
    return str(text) if text else str(error)
