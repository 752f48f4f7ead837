"""Import SIE files into the ledger store: validate everything, then one transaction per year.

The import reads and validates the whole file once, spooling its vouchers (encoded,
hashed) to a temporary file; if anything is wrong, nothing is kept and
:class:`SieImportError` carries the problems. Then it writes one financial year per
transaction, comparing each record with the database by identity so that a re-import
changes nothing and a newer export of the same year changes exactly what differs (see
:mod:`bokslut.ledger._yearwrite`).

Fast path: when the file's current year does not exist yet, there is nothing to compare
its vouchers with, so they are not spooled but written while the file is still being
read, in that year's own transaction, on a writer thread with its own connection (or
inline, inside a caller's transaction); the transaction commits only after the whole
file has been validated and the year's chart and balances written, and is rolled back
otherwise (see :mod:`bokslut.ledger._fastyear`). That year is committed first, the
other years after it, oldest first.

Which year gets what:

* Years come from ``#RAR`` (0 current, -1 previous …); balances go to their year.
* Vouchers go to the year containing their date; undated or out-of-range vouchers go to
  year 0, with a warning.
* A SIE 4I file without ``#RAR`` adds its vouchers to the client's existing years that
  contain their dates.
* Year 0 of a file with balances is the authority for that year: its chart replaces the
  year's chart, and balances (of the kinds the file holds) and — for a 4E export —
  vouchers absent from it are removed. Other years only gain missing accounts.

Whose vouchers an authoritative export may remove (a deliberate choice, never to lose
people's work): only those that came from the same kind of source as the import —
``sie_file`` for a file import, ``fortnox`` for a Fortnox sync (which passes
``source_kind``). A voucher of the source kind ``manual`` (a closing entry not yet sent to
Fortnox, a voucher entered here) is never changed or removed, and wins over a file voucher
with the same series and number (a warning says so). Vouchers imported from another kind
of source stay unless the export holds them: then they become the import's own. So a year
synced from Fortnox keeps its local vouchers; the balances Fortnox states (IB, UB, RES) do
not include them, while the counted movements (``AccountMovement``) do, which is exactly
what the UB = IB + movements check then shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction

from bokslut.firms.models import Client, Firm
from bokslut.firms.services import client_get_or_create, default_firm
from bokslut.firms.validators import normalise_org_number
from bokslut.ledger import models as m
from bokslut.ledger._bulk import BulkWriter
from bokslut.ledger._fastyear import StreamRouter, current_index, year_containing
from bokslut.ledger._movements import MovementTotals, apply_movements
from bokslut.ledger._scan import DocumentSource, ItemSource, Scan, make_issue, scan
from bokslut.ledger._stream import NewVoucherWriter
from bokslut.ledger._yearwrite import YearPlan, YearWriter
from bokslut.ledger.summary import ImportSummary, YearSummary
from bokslut.sie.model import Document, Issue, Severity

__all__ = [
    "ImportProgress",
    "SieImportError",
    "import_sie_document",
    "import_sie_file",
]


class ImportProgress(Protocol):
    """Receives progress: a phase starts with an optional total, then advances."""

    def start(self, phase: str, total: int | None) -> None:
        """A new phase (``"läser"``, ``"skriver 2024"`` …) with ``total`` steps if known."""

    def advance(self, steps: int) -> None:
        """``steps`` more steps of the current phase are done."""


class SieImportError(Exception):
    """The file cannot be imported; nothing was written. ``issues`` says why."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def import_sie_file(
    path: str | os.PathLike[str],
    *,
    client: Client | str | None = None,
    firm: Firm | None = None,
    strict: bool = False,
    progress: ImportProgress | None = None,
    source_kind: str = m.Source.Kind.SIE_FILE,
) -> ImportSummary:
    """Import one SIE file (types 1, 2, 3, 4E, 4I) into ``client``'s ledger.

    Without ``client`` the client is found or created (in ``firm``, default: the
    installation's firm) from the file's ``#ORGNR`` and ``#FNAMN``; with it, the file's
    org.nr must be the client's. ``client`` may also be an org.nr: that client, found or
    created, for files without ``#ORGNR`` or to make sure the file is the expected one.
    ``strict`` refuses files with warnings too. ``source_kind`` is the kind of the
    :class:`~bokslut.ledger.models.Source` the import records (the sync passes
    ``fortnox``); a full export removes only vouchers of that kind (see the module notes).
    Raises :class:`SieImportError` (nothing written) for a file that cannot be imported.
    """
    from bokslut.sie.errors import SieFormatError
    from bokslut.sie.reader import SieReader

    file_path = Path(path)
    lines = _count_lines(file_path) if progress is not None else None
    try:
        return _import(
            lambda: SieReader(file_path, strict=strict),
            name=file_path.name,
            sha256=_sha256(file_path),
            client=client,
            firm=firm,
            strict=strict,
            progress=progress,
            lines=lines,
            path=file_path,
            source_kind=source_kind,
        )
    except SieFormatError as exc:
        raise SieImportError(exc.issues) from exc


def import_sie_document(
    document: Document,
    *,
    name: str,
    client: Client | str | None = None,
    firm: Firm | None = None,
    strict: bool = False,
    issues: list[Issue] | None = None,
    progress: ImportProgress | None = None,
    source_kind: str = m.Source.Kind.SIE_FILE,
) -> ImportSummary:
    """Import a document already in memory (e.g. a SIE export fetched from Fortnox).

    ``issues`` are the reader's findings for the document, if any; the document is also
    run through :func:`bokslut.sie.validation.validate` when that module is available.
    ``source_kind`` as for :func:`import_sie_file`.
    """
    found = list(issues or [])
    try:
        from bokslut.sie.validation import validate
    except ImportError:  # pragma: no cover -- validation lands with the reader
        pass
    else:
        found += validate(document)
    return _import(
        lambda: DocumentSource(document, found),
        name=name,
        sha256="",
        client=client,
        firm=firm,
        strict=strict,
        progress=progress,
        lines=None,
        path=None,
        source_kind=source_kind,
    )


def _import(make_source: Callable[[], ItemSource], **kwargs: Any) -> ImportSummary:
    # The import allocates millions of small, acyclic objects; the cyclic garbage
    # collector would rescan the growing heap again and again (a third of the run time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            return _import_paused(make_source(), stream=True, **kwargs)
        except _StreamMismatch:
            # The streamed year turned out not to be the planned one (a file that states
            # #RAR after its vouchers, say): it was rolled back; read again, plainly.
            return _import_paused(make_source(), stream=False, **kwargs)
    finally:
        if enabled:
            gc.enable()


class _StreamMismatch(Exception):
    """The fast path's year differs from the plan; the import must run without it."""


def _import_paused(
    source: ItemSource,
    *,
    stream: bool,
    name: str,
    sha256: str,
    client: Client | str | None,
    firm: Firm | None,
    strict: bool,
    progress: ImportProgress | None,
    lines: int | None,
    path: Path | None,
    source_kind: str,
) -> ImportSummary:
    early: list[Issue] = []
    wanted = _wanted_org_number(early, client)
    given = client if isinstance(client, Client) else None
    router = (
        StreamRouter(
            source,
            client=given,
            wanted=wanted,
            firm=firm,
            name=name,
            sha256=sha256,
            source_kind=source_kind,
        )
        if stream and not early
        else None
    )
    if progress is not None:
        progress.start("läser", lines)
    try:
        result = scan(
            source,
            on_item=_LineProgress(progress) if progress is not None else None,
            sink=router,
        )
        with result.spool:
            result.issues += early
            return _write(
                result,
                router,
                name=name,
                sha256=sha256,
                client=given,
                firm=firm,
                wanted=wanted,
                strict=strict,
                progress=progress,
                path=path,
                source_kind=source_kind,
            )
    finally:
        if router is not None:
            router.abort()  # nothing to undo once the streamed year has been committed


def _write(
    result: Scan,
    router: StreamRouter | None,
    *,
    name: str,
    sha256: str,
    client: Client | None,
    firm: Firm | None,
    wanted: str | None,
    strict: bool,
    progress: ImportProgress | None,
    path: Path | None,
    source_kind: str,
) -> ImportSummary:
    """Validate what was read, then write it: the streamed year first, then the others."""
    _check_org_number(result, client, wanted)
    plans: list[YearPlan] = []
    if not result.errors:
        existing = client if client is not None else _find_client(result, firm, wanted)
        plans = _plan_years(result, existing)
    blocking = result.issues if strict else result.errors
    if blocking:
        raise SieImportError(blocking)
    streamed: list[YearSummary] = []
    if router is not None and router.stream is not None:
        client, created, source_row, first = _finish_stream(result, router, plans, wanted)
        streamed.append(first)
        plans = [dataclasses.replace(p, dimensions=False) for p in plans if p.start != first.start]
    else:
        client, created = _resolve_client(result, client, firm, wanted)
        source_row = m.Source.objects.create(
            client=client,
            kind=source_kind,
            name=name,
            sha256=sha256,
            program=_program(result),
        )
    summary = ImportSummary(
        name=name,
        client_id=client.pk,
        client_name=client.name,
        org_number=client.org_number,
        client_created=created,
        warnings=[i for i in result.issues if i.severity is Severity.WARNING],
        path=path,
    )
    writer = YearWriter(
        client=client,
        scan=result,
        source=source_row,
        bulk=BulkWriter(),
        on_voucher=progress.advance if progress is not None else None,
    )
    for plan in plans:
        if progress is not None:
            progress.start(f"skriver {plan.start:%Y-%m-%d}", len(plan.vouchers))
        with transaction.atomic():
            _, year_summary = writer.write(plan)
        summary.years.append(year_summary)
    summary.warnings += writer.issues
    summary.years = sorted([*streamed, *summary.years], key=lambda y: y.start)
    return summary


def _finish_stream(
    result: Scan, router: StreamRouter, plans: list[YearPlan], wanted: str | None
) -> tuple[Client, bool, m.Source, YearSummary]:
    """Check the streamed year is the planned one, write the rest of it, and commit."""
    stream, opened = router.stream, router.opened
    assert stream is not None
    assert opened is not None
    plan = next((p for p in plans if p.start == opened.year.start), None)
    org = wanted or result.header.org_number
    if (
        plan is None
        or plan.end != opened.year.end
        or plan.vouchers != stream.positions
        or (org is not None and normalise_org_number(org) != opened.client.org_number)
    ):
        raise _StreamMismatch
    plan = dataclasses.replace(plan, dimensions=True)
    program = _program(result)

    def write_rest(voucher_writer: NewVoucherWriter) -> YearSummary:
        source_row = opened.source
        if source_row.program != program:
            source_row.program = program
            source_row.save(update_fields=["program"])
        summary = YearSummary(index=plan.index, start=plan.start, end=plan.end)
        summary.counts["years"].new = 1
        year_writer = YearWriter(
            client=opened.client, scan=result, source=source_row, bulk=BulkWriter()
        )
        year_writer.write_all_but_vouchers(opened.year, plan, summary)
        summary.counts["vouchers"].new = voucher_writer.vouchers
        summary.rows_written = voucher_writer.rows
        apply_movements(opened.year.pk, voucher_writer.movements, MovementTotals())
        return summary

    summary: YearSummary = stream.finish(write_rest)
    return opened.client, opened.client_created, opened.source, summary


def _program(result: Scan) -> str:
    return " ".join(p for p in (result.header.program, result.header.program_version) if p)


@dataclass
class _LineProgress:
    """Turns the line numbers of read items into progress steps, in coarse increments."""

    progress: ImportProgress | None
    reported: int = 0

    def __call__(self, line: int | None) -> None:
        if line is not None and line - self.reported >= 5000 and self.progress is not None:
            self.progress.advance(line - self.reported)
            self.reported = line


# -- client and years -------------------------------------------------------------------


def _wanted_org_number(issues: list[Issue], client: Client | str | None) -> str | None:
    """The org.nr the caller asked for (``client`` given as a string), canonical."""
    if not isinstance(client, str):
        return None
    try:
        return normalise_org_number(client)
    except ValueError as exc:
        issues.append(make_issue(Severity.ERROR, "client_invalid", None, str(exc), str(exc)))
        return None


def _check_org_number(result: Scan, client: Client | None, wanted: str | None) -> None:
    stated = result.header.org_number
    expected = client.org_number if client is not None else wanted
    if not stated:
        if expected is None:
            result.issues.append(
                make_issue(
                    Severity.ERROR,
                    "org_number_missing",
                    None,
                    "Filen saknar #ORGNR; ange klienten med --client ORGNR",
                    "The file has no #ORGNR; name the client with --client ORGNR",
                )
            )
        return
    try:
        canonical = normalise_org_number(stated)
    except ValueError:
        severity = Severity.WARNING if expected is not None else Severity.ERROR
        result.issues.append(
            make_issue(
                severity,
                "org_number_invalid",
                None,
                f"#ORGNR {stated} är inget giltigt organisationsnummer",
                f"#ORGNR {stated} is not a valid organisation number",
            )
        )
        return
    if expected is not None and canonical != expected:
        result.issues.append(
            make_issue(
                Severity.ERROR,
                "org_number_mismatch",
                None,
                f"Filen gäller organisationsnummer {canonical}, inte klienten {expected}",
                f"The file is for organisation number {canonical}, not the client {expected}",
            )
        )


def _find_client(result: Scan, firm: Firm | None, wanted: str | None) -> Client | None:
    """The existing client the file names, if any (nothing is created before validation)."""
    org = wanted or result.header.org_number
    if not org:
        return None
    canonical = normalise_org_number(org)
    # The same firm default_firm() would pick, without creating one.
    firm = firm or Firm.objects.order_by("pk").first()
    if firm is None:
        return None
    return Client.objects.filter(firm=firm, org_number=canonical).first()


def _resolve_client(
    result: Scan, client: Client | None, firm: Firm | None, wanted: str | None
) -> tuple[Client, bool]:
    if client is not None:
        return client, False
    org = wanted or result.header.org_number
    assert org is not None  # _check_org_number refused the file otherwise
    return client_get_or_create(
        firm=firm or default_firm(), org_number=org, name=result.header.company_name or ""
    )


def _is_import_file(result: Scan) -> bool:
    """SIE 4I: vouchers for import into bookkeeping; it holds no balances."""
    return not result.kinds and result.header.sie_type in (4, None)


def _plan_years(result: Scan, client: Client | None) -> list[YearPlan]:
    """Which years to write, with their vouchers; adds issues for what does not fit."""
    years = result.header.years
    if not years:
        return _plan_without_years(result, client)
    current = current_index(years)
    assigned: dict[int, set[int]] = {index: set() for index in years}
    # A year has a few hundred dates and a big file a million vouchers: look each date up once.
    index_of: dict[dt.date | None, int | None] = {}
    for position, entry in enumerate(result.vouchers):
        date = entry.date
        if date in index_of:
            index = index_of[date]
        else:
            index = index_of[date] = year_containing(date, years)
        if index is None:
            index = current
            result.issues.append(
                make_issue(
                    Severity.WARNING,
                    "voucher_outside_year",
                    entry.line,
                    f"Verifikation {entry.series} {entry.number} har datum "
                    f"{entry.date or 'saknas'} utanför räkenskapsåren; den lades i året "
                    f"{years[current].start:%Y-%m-%d}",
                    f"Voucher {entry.series} {entry.number} is dated outside the "
                    "financial years; it was put in year 0",
                )
            )
        assigned[index].add(position)
    _check_duplicates(result, assigned)
    for kind_map in (result.balances, result.object_balances, result.period_balances):
        for index in kind_map:
            if index not in years:
                result.issues.append(
                    make_issue(
                        Severity.WARNING,
                        "balance_without_year",
                        None,
                        f"Saldon för årsnummer {index} saknar #RAR och hoppades över",
                        f"Balances for year number {index} have no #RAR and were skipped",
                    )
                )
    import_file = _is_import_file(result)
    full_export = result.header.sie_type == 4 and not import_file
    plans = []
    for index in sorted(years):
        if import_file and not assigned[index]:
            continue  # a 4I file only adds vouchers; it creates no empty years
        authority = index == 0 and not import_file
        plans.append(
            YearPlan(
                index=index,
                start=years[index].start,
                end=years[index].end,
                vouchers=frozenset(assigned[index]),
                chart="full" if authority else "add",
                remove_balances=authority,
                remove_vouchers=authority and full_export,
                dimensions=False,
            )
        )
    if client is not None:
        _check_overlaps(result, client, plans)
    return _first_writes_dimensions(plans)


def _plan_without_years(result: Scan, client: Client | None) -> list[YearPlan]:
    if result.kinds:
        result.issues.append(
            make_issue(
                Severity.ERROR,
                "rar_missing",
                None,
                "#RAR saknas: filen har saldon men inga räkenskapsår",
                "#RAR is missing: the file has balances but no financial years",
            )
        )
        return []
    existing = (
        list(m.FinancialYear.objects.filter(client=client).order_by("start"))
        if client is not None
        else []
    )
    assigned: dict[int, set[int]] = {}
    for position, entry in enumerate(result.vouchers):
        year = next(
            (y for y in existing if entry.date is not None and y.start <= entry.date <= y.end),
            None,
        )
        if year is None:
            result.issues.append(
                make_issue(
                    Severity.ERROR,
                    "voucher_no_year",
                    entry.line,
                    f"Verifikation {entry.series} {entry.number}: inget räkenskapsår hos "
                    f"klienten innehåller datumet {entry.date or '(saknas)'}; importera "
                    "först en SIE-fil med året (#RAR)",
                    f"Voucher {entry.series} {entry.number}: no financial year of the client "
                    "contains its date; import a file with the year (#RAR) first",
                )
            )
            continue
        assigned.setdefault(year.pk, set()).add(position)
    by_pk = {y.pk: y for y in existing}
    _check_duplicates(result, assigned)
    plans = [
        YearPlan(
            index=None,
            start=by_pk[pk].start,
            end=by_pk[pk].end,
            vouchers=frozenset(positions),
            chart="add",
            remove_balances=False,
            remove_vouchers=False,
            dimensions=False,
        )
        for pk, positions in sorted(assigned.items(), key=lambda kv: by_pk[kv[0]].start)
    ]
    return _first_writes_dimensions(plans)


def _first_writes_dimensions(plans: list[YearPlan]) -> list[YearPlan]:
    if not plans:
        return plans
    first = plans[0]
    return [
        YearPlan(
            index=first.index,
            start=first.start,
            end=first.end,
            vouchers=first.vouchers,
            chart=first.chart,
            remove_balances=first.remove_balances,
            remove_vouchers=first.remove_vouchers,
            dimensions=True,
        ),
        *plans[1:],
    ]


def _check_duplicates(result: Scan, assigned: dict[int, set[int]]) -> None:
    for positions in assigned.values():
        seen: dict[tuple[str, str], int | None] = {}
        for position in sorted(positions):
            entry = result.vouchers[position]
            if not entry.number:
                continue
            key = (entry.series, entry.number)
            if key in seen:
                first = seen[key]
                result.issues.append(
                    make_issue(
                        Severity.ERROR,
                        "voucher_duplicate",
                        entry.line,
                        f"Verifikation {entry.series} {entry.number} finns redan "
                        f"(rad {first}) i samma räkenskapsår",
                        f"Voucher {entry.series} {entry.number} occurs twice in one year "
                        f"(line {first})",
                    )
                )
            else:
                seen[key] = entry.line


def _check_overlaps(result: Scan, client: Client, plans: list[YearPlan]) -> None:
    existing = m.FinancialYear.objects.filter(client=client)
    for plan in plans:
        for year in existing:
            if year.start != plan.start and year.start <= plan.end and plan.start <= year.end:
                result.issues.append(
                    make_issue(
                        Severity.ERROR,
                        "year_overlap",
                        None,
                        f"Räkenskapsåret {plan.start}–{plan.end} överlappar det befintliga "
                        f"{year.start}–{year.end}",
                        f"The financial year {plan.start}–{plan.end} overlaps the existing "
                        f"{year.start}–{year.end}",
                    )
                )


# -- files ------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            count += chunk.count(b"\n")
    return count
