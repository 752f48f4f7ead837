"""Second import pass for one financial year: compare with the database, write what differs.

Called inside the year's ``transaction.atomic()``. Every kind of record is matched by
its identity (account number, balance kind + account, voucher series + number, …):
unchanged records are not touched, changed ones are updated, new ones inserted, and
records the file no longer holds are removed where the file is the authority for them.

Vouchers are told apart by the kind of their :class:`~bokslut.ledger.models.Source`:

* ``manual`` vouchers are people's work (a closing entry not yet sent to Fortnox, a
  voucher entered here): a write never matches, changes or removes them. If the file
  holds a voucher with the same series and number, ours is kept and the file's is left
  out, with a warning (``import.voucher_local_kept``).
* A full export removes only vouchers of its own source kind (``fortnox`` for a sync,
  ``sie_file`` for a file import); vouchers of another imported kind are matched and
  updated like any, never removed; a matched one becomes the write's own, so a later
  export without it removes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.ledger._bulk import BulkWriter, RowTuple, VoucherTuple
from bokslut.ledger._movements import MovementTotals, apply_movements, movements_of_vouchers
from bokslut.ledger._scan import Amount, Scan, make_issue
from bokslut.ledger.codec import sru_text
from bokslut.ledger.summary import KindCounts, YearSummary
from bokslut.sie.model import Issue, Severity

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=Any)

_RESERVED_DIMENSIONS = {
    1: "Kostnadsställe",
    2: "Kostnadsbärare",
    6: "Projekt",
    7: "Anställd",
    8: "Kund",
    9: "Leverantör",
    10: "Faktura",
}


@dataclass(frozen=True)
class YearPlan:
    """What to write into one year, and what the file is the authority for there."""

    index: int | None
    start: dt.date
    end: dt.date
    #: Spool positions of the vouchers that belong to this year.
    vouchers: frozenset[int]
    #: "full": the file's chart is this year's chart; "add": only add missing accounts.
    chart: str
    #: Remove balances of the kinds the file holds that the file no longer states.
    remove_balances: bool
    #: Remove vouchers that the file no longer holds (a 4E export of the year).
    remove_vouchers: bool
    #: Write the client's dimensions and objects (done by the first year only).
    dimensions: bool


def _sync(
    *,
    existing: dict[K, M],
    desired: dict[K, V],
    same: Callable[[M, V], bool],
    create: Callable[[K, V], M],
    update: Callable[[M, V], None],
    model: type[M],
    fields: list[str],
    counts: KindCounts,
    removable: Callable[[K], bool] | None,
) -> None:
    """Make ``existing`` equal ``desired`` with one bulk insert, update and delete each."""
    new: list[M] = []
    changed: list[M] = []
    for key, value in desired.items():
        obj = existing.get(key)
        if obj is None:
            new.append(create(key, value))
        elif same(obj, value):
            counts.unchanged += 1
        else:
            update(obj, value)
            changed.append(obj)
    gone = (
        [obj.pk for key, obj in existing.items() if key not in desired and removable(key)]
        if removable is not None
        else []
    )
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if new:
        model.objects.bulk_create(new, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=1000)
    counts.new += len(new)
    counts.changed += len(changed)
    counts.removed += len(gone)


def _quantity_equal(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if a is not None and b is not None else a is b


class YearWriter:
    """Writes one :class:`YearPlan` of one :class:`Scan` (see the module notes)."""

    def __init__(
        self,
        *,
        client: Client,
        scan: Scan,
        source: m.Source,
        bulk: BulkWriter,
        on_voucher: Callable[[int], None] | None = None,
    ) -> None:
        self.client = client
        self.scan = scan
        self.source = source
        self.bulk = bulk
        self.on_voucher = on_voucher
        #: Warnings of the write itself (a local voucher kept in place of the file's).
        self.issues: list[Issue] = []

    def write(self, plan: YearPlan) -> tuple[m.FinancialYear, YearSummary]:
        """Write the plan's year; returns the year and its counts."""
        summary = YearSummary(index=plan.index, start=plan.start, end=plan.end)
        year = self._year(plan, summary.counts["years"])
        self.write_all_but_vouchers(year, plan, summary)
        summary.rows_written = self._vouchers(year, plan, summary.counts["vouchers"])
        return year, summary

    def write_all_but_vouchers(
        self, year: m.FinancialYear, plan: YearPlan, summary: YearSummary
    ) -> None:
        """Dimensions (if the plan says so), chart and balances of ``year``, into ``summary``.

        The import's fast path calls this for a year whose vouchers it streamed.
        """
        if plan.dimensions:
            self._dimensions(summary)
        self._accounts(year, plan, summary.counts["accounts"])
        self._balances(year, plan, summary.counts)

    # -- year, chart, dimensions -----------------------------------------------------------

    def _year(self, plan: YearPlan, counts: KindCounts) -> m.FinancialYear:
        year = m.FinancialYear.objects.filter(client=self.client, start=plan.start).first()
        if year is None:
            counts.new += 1
            return m.FinancialYear.objects.create(
                client=self.client, start=plan.start, end=plan.end, source=self.source
            )
        if year.end != plan.end:
            year.end = plan.end
            year.save(update_fields=["end"])
            counts.changed += 1
        else:
            counts.unchanged += 1
        return year

    def _dimensions(self, summary: YearSummary) -> None:
        desired = {n: (d.name, d.parent) for n, d in self.scan.dimensions.items()}
        for dim, _code in self.scan.objects:
            # Objects of an undeclared dimension still need a dimension to hang on.
            desired.setdefault(dim, (_RESERVED_DIMENSIONS.get(dim, f"Dimension {dim}"), None))
        existing = {d.number: d for d in m.Dimension.objects.filter(client=self.client)}

        def update_dim(d: m.Dimension, v: tuple[str, int | None]) -> None:
            d.name, d.parent = v

        _sync(
            existing=existing,
            desired=desired,
            same=lambda d, v: (d.name, d.parent) == v,
            create=lambda n, v: m.Dimension(
                client=self.client, number=n, name=v[0], parent=v[1], source=self.source
            ),
            update=update_dim,
            model=m.Dimension,
            fields=["name", "parent"],
            counts=summary.counts["dimensions"],
            removable=None,
        )
        dims = {d.number: d for d in m.Dimension.objects.filter(client=self.client)}
        objects = {
            (o.dimension.number, o.code): o
            for o in m.LedgerObject.objects.filter(dimension__client=self.client).select_related(
                "dimension"
            )
        }

        def update_object(o: m.LedgerObject, name: str) -> None:
            o.name = name

        _sync(
            existing=objects,
            desired={key: obj.name for key, obj in self.scan.objects.items()},
            same=lambda o, name: o.name == name,
            create=lambda key, name: m.LedgerObject(
                dimension=dims[key[0]], code=key[1], name=name, source=self.source
            ),
            update=update_object,
            model=m.LedgerObject,
            fields=["name"],
            counts=summary.counts["objects"],
            removable=None,
        )

    def _accounts(self, year: m.FinancialYear, plan: YearPlan, counts: KindCounts) -> None:
        desired = {
            number: (
                a.name,
                a.type.value if a.type is not None else "",
                sru_text(a.sru),
                a.unit or "",
            )
            for number, a in self.scan.accounts.items()
        }
        existing = {a.number: a for a in m.Account.objects.filter(year=year)}
        full = plan.chart == "full"

        def same(a: m.Account, v: tuple[str, str, str, str]) -> bool:
            # A chart that only adds accounts leaves existing ones as they are.
            return not full or (a.name, a.type, a.sru, a.unit) == v

        def update(a: m.Account, v: tuple[str, str, str, str]) -> None:
            a.name, a.type, a.sru, a.unit = v
            a.source = self.source

        _sync(
            existing=existing,
            desired=desired,
            same=same,
            create=lambda n, v: m.Account(
                year=year, number=n, name=v[0], type=v[1], sru=v[2], unit=v[3], source=self.source
            ),
            update=update,
            model=m.Account,
            fields=["name", "type", "sru", "unit", "source"],
            counts=counts,
            removable=(lambda _n: True) if full else None,
        )

    # -- balances ---------------------------------------------------------------------------

    def _balances(
        self, year: m.FinancialYear, plan: YearPlan, counts: dict[str, KindCounts]
    ) -> None:
        kinds = self.scan.kinds
        remove = plan.remove_balances
        index = plan.index

        def same(obj: Any, v: Amount) -> bool:
            return bool(obj.amount_ore == v[0] and _quantity_equal(obj.quantity, v[1]))

        def update(obj: Any, v: Amount) -> None:
            obj.amount_ore, obj.quantity = v
            obj.source = self.source

        fields = ["amount_ore", "quantity", "source"]
        _sync(
            existing={(b.kind, b.account): b for b in m.Balance.objects.filter(year=year)},
            desired=self.scan.balances.get(index, {}) if index is not None else {},
            same=same,
            create=lambda k, v: m.Balance(
                year=year,
                kind=k[0],
                account=k[1],
                amount_ore=v[0],
                quantity=v[1],
                source=self.source,
            ),
            update=update,
            model=m.Balance,
            fields=fields,
            counts=counts["balances"],
            removable=(lambda k: k[0] in kinds) if remove else None,
        )
        _sync(
            existing={
                (b.kind, b.account, b.dimension, b.object_code): b
                for b in m.ObjectBalance.objects.filter(year=year)
            },
            desired=self.scan.object_balances.get(index, {}) if index is not None else {},
            same=same,
            create=lambda k, v: m.ObjectBalance(
                year=year,
                kind=k[0],
                account=k[1],
                dimension=k[2],
                object_code=k[3],
                amount_ore=v[0],
                quantity=v[1],
                source=self.source,
            ),
            update=update,
            model=m.ObjectBalance,
            fields=fields,
            counts=counts["object_balances"],
            removable=(lambda k: k[0] in kinds) if remove else None,
        )
        _sync(
            existing={
                (b.kind, b.account, b.period, b.object_list): b
                for b in m.PeriodBalance.objects.filter(year=year)
            },
            desired=self.scan.period_balances.get(index, {}) if index is not None else {},
            same=same,
            create=lambda k, v: m.PeriodBalance(
                year=year,
                kind=k[0],
                account=k[1],
                period=k[2],
                object_list=k[3],
                amount_ore=v[0],
                quantity=v[1],
                source=self.source,
            ),
            update=update,
            model=m.PeriodBalance,
            fields=fields,
            counts=counts["period_balances"],
            removable=(lambda k: k[0] in kinds) if remove else None,
        )

    # -- vouchers ---------------------------------------------------------------------------

    def _vouchers(self, year: m.FinancialYear, plan: YearPlan, counts: KindCounts) -> int:
        own_kind = self.source.kind
        numbered: dict[tuple[str, str], tuple[int, str]] = {}
        unnumbered: dict[str, list[int]] = {}
        # Vouchers of the write's own kind of source: the ones a full export may remove.
        own: set[int] = set()
        # Imported from another kind of source: matched and updated, never removed.
        adopt: list[int] = []
        local: set[tuple[str, str]] = set()  # people's vouchers: never matched, changed or removed
        for pk, series, number, content_hash, kind in m.Voucher.objects.filter(
            year=year
        ).values_list("id", "series", "number", "content_hash", "source__kind"):
            if kind == m.Source.Kind.MANUAL:
                if number:
                    local.add((series, number))
                continue
            if kind == own_kind:
                own.add(pk)
            if number:
                numbered[(series, number)] = (pk, content_hash)
            else:
                unnumbered.setdefault(content_hash, []).append(pk)
        matched: set[int] = set()
        new: list[int] = []
        changed: dict[int, int] = {}  # spool position -> existing voucher id
        for position in sorted(plan.vouchers):
            entry = self.scan.vouchers[position]
            if entry.number:
                if (entry.series, entry.number) in local:
                    self._keep_local(year, entry.series, entry.number, entry.line)
                    continue
                found = numbered.get((entry.series, entry.number))
                if found is None:
                    new.append(position)
                    continue
                pk, content_hash = found
                matched.add(pk)
                if content_hash == entry.content_hash:
                    counts.unchanged += 1
                    if pk not in own:
                        adopt.append(pk)
                else:
                    changed[position] = pk
            else:
                # Unnumbered vouchers have no identity but their content: equal content is
                # the same voucher, anything else is new (and the old one removed).
                candidates = unnumbered.get(entry.content_hash)
                if candidates:
                    pk = candidates.pop()
                    matched.add(pk)
                    counts.unchanged += 1
                    if pk not in own:
                        adopt.append(pk)
                else:
                    new.append(position)
        if adopt:
            # The source holds these too: from now on they are its vouchers, so a later
            # export without them removes them (a voucher deleted in Fortnox after the year
            # was first imported from a SIE file).
            self._adopt(adopt)
        added = MovementTotals()
        removed = MovementTotals()
        if plan.remove_vouchers:
            gone = [pk for pk, _ in numbered.values() if pk not in matched and pk in own]
            gone += [
                pk for pks in unnumbered.values() for pk in pks if pk not in matched and pk in own
            ]
            if gone:
                removed = movements_of_vouchers(gone)
                self.bulk.delete_vouchers(gone)
            counts.removed += len(gone)
        counts.new += len(new)
        counts.changed += len(changed)
        if not new and not changed:
            apply_movements(year.pk, added, removed)
            return 0
        if changed:
            rewritten = list(changed.values())
            removed.merge(movements_of_vouchers(rewritten))
            self.bulk.delete_rows_of(rewritten)
        ids = dict(zip(new, self.bulk.allocate_voucher_ids(len(new)), strict=True))
        ids.update(changed)
        inserts: list[VoucherTuple] = []
        updates: list[VoucherTuple] = []
        rows = self.bulk.insert_rows(self._rows(year.pk, ids, changed, inserts, updates, added))
        self.bulk.insert_vouchers(inserts)
        self.bulk.update_vouchers(updates)
        apply_movements(year.pk, added, removed)
        return rows

    def _keep_local(
        self, year: m.FinancialYear, series: str, number: str, line: int | None
    ) -> None:
        """A local voucher holds the identity the file gives another voucher: keep ours."""
        self.issues.append(
            make_issue(
                Severity.WARNING,
                "voucher_local_kept",
                line,
                f"Verifikation {series} {number} i räkenskapsåret {year.start:%Y-%m-%d} är "
                "upplagd lokalt; den behölls och källans verifikation med samma nummer "
                "skrevs inte in",
                f"Voucher {series} {number} of the year starting {year.start:%Y-%m-%d} was "
                "entered locally; it was kept and the source's voucher with that number "
                "was not written",
            )
        )

    def _adopt(self, voucher_ids: list[int], batch: int = 500) -> None:
        """Make vouchers (and their rows) this write's source's, leaving their content be."""
        for start in range(0, len(voucher_ids), batch):
            chunk = voucher_ids[start : start + batch]
            m.VoucherRow.objects.filter(voucher_id__in=chunk).update(source=self.source)
            m.Voucher.objects.filter(pk__in=chunk).update(source=self.source)

    def _rows(
        self,
        year_id: int,
        ids: dict[int, int],
        changed: dict[int, int],
        inserts: list[VoucherTuple],
        updates: list[VoucherTuple],
        movements: MovementTotals,
    ) -> Iterator[RowTuple]:
        """Rows of the vouchers to write, streamed from the spool; fills inserts/updates."""
        source_id = self.source.pk
        done = 0
        for position, v in enumerate(self.scan.spool):
            voucher_id = ids.get(position)
            if voucher_id is None or v is None:  # None: streamed by the fast path
                continue
            series, number, number_sort, date, text, registered, signature, content_hash, rows = v
            header: VoucherTuple = (
                voucher_id,
                year_id,
                series,
                number,
                number_sort,
                date,
                text,
                registered,
                signature,
                content_hash,
                source_id,
            )
            (updates if position in changed else inserts).append(header)
            movements.add_rows(rows)
            for n, row in enumerate(rows, start=1):
                yield (voucher_id, year_id, n, *row, source_id)
            done += 1
            if self.on_voucher is not None and done % 500 == 0:
                self.on_voucher(500)
        if self.on_voucher is not None:
            self.on_voucher(done % 500)
