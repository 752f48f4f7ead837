"""Deterministic, realistic Swedish company ledgers as SIE model objects.

``generate_company(seed=…)`` returns a :class:`GeneratedCompany`: header, a BAS-like chart
(with types and SRU codes), cost centres and projects, balances for 1–3 financial years and
a lazily generated stream of vouchers. The same seed always gives the same company, byte
for byte, so tests, the demo company, the Fortnox sandbox and benchmarks can share it.

How the books hold together (the rules of ``docs/domain.md``):

* every voucher balances; amounts are whole öre (exact :class:`~decimal.Decimal`);
* customer invoices (1510/30xx/26x1) are paid later (1930/1510), supplier invoices
  (2440/xxxx/2641) likewise, so UB 1510 and UB 2440 are the open invoices at year end;
* salaries (7210/7510/2710/2731/1930), the tax account (1630), VAT settlements (26xx/2650),
  rent (5010) and depreciation (7832/1229) recur monthly when the ledger is big enough;
* previous years are closed (tax 8910/2512, result 8999/2099) so this year's IB equals last
  year's UB for every balance-sheet account; the current year (index 0) is left open for
  the closing work bokslut exists for;
* UB = IB + movements, RES = movements, #PSALDO = a month's movements, #OUB per object.

Balances are written before vouchers in a SIE file, yet depend on them; rather than hold
the vouchers, each year is simulated twice from the same seed: once to total it, and again
when the vouchers are iterated. Memory stays flat however many rows are asked for.
"""

from __future__ import annotations

import copy
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Final, NamedTuple

from stdnum import luhn
from stdnum.se import orgnr as se_orgnr

from bokslut import __version__
from bokslut.sie.model import (
    Account,
    AccountType,
    Address,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    Item,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)
from bokslut.sie.writer import SieType, SieWriter

__all__ = [
    "GeneratedCompany",
    "GeneratedDepreciation",
    "GeneratedFile",
    "GeneratedHistory",
    "GeneratedInvoice",
    "VoucherRef",
    "generate_company",
    "generate_orgnr",
    "write_generated_sie",
]

# --------------------------------------------------------------------------------------
# Chart of accounts: BAS-like numbers, our own Swedish names, INK2R field codes (SRU).
# --------------------------------------------------------------------------------------

_CHART: Final = """
1010 Utvecklingsutgifter 7201
1070 Goodwill 7201
1079 Ackumulerade avskrivningar på goodwill 7201
1110 Byggnader 7214
1119 Ackumulerade avskrivningar på byggnader 7214
1130 Mark 7214
1210 Maskiner och tekniska anläggningar 7215
1219 Ackumulerade avskrivningar på maskiner 7215
1220 Inventarier och verktyg 7215
1229 Ackumulerade avskrivningar på inventarier 7215
1240 Bilar och transportmedel 7215
1249 Ackumulerade avskrivningar på bilar 7215
1250 Datorer 7215
1259 Ackumulerade avskrivningar på datorer 7215
1310 Andelar i koncernföretag 7230
1380 Andra långfristiga fordringar 7235
1385 Kapitalförsäkring 7235
1460 Lager av handelsvaror 7243
1470 Pågående arbeten 7245
1480 Förskott till leverantörer 7246
1510 Kundfordringar 7251
1515 Osäkra kundfordringar 7251
1519 Nedskrivning av kundfordringar 7251
1610 Kortfristiga fordringar hos anställda 7261
1630 Avräkning för skatter och avgifter (skattekonto) 7261
1650 Momsfordran 7261
1680 Andra kortfristiga fordringar 7261
1710 Förutbetalda hyreskostnader 7263
1730 Förutbetalda försäkringspremier 7263
1790 Övriga förutbetalda kostnader och upplupna intäkter 7263
1810 Andelar i börsnoterade företag 7271
1910 Kassa 7281
1920 PlusGiro 7281
1930 Företagskonto 7281
1940 Sparkonto 7281
1950 Bankcertifikat 7281
2081 Aktiekapital 7301
2085 Uppskrivningsfond 7301
2086 Reservfond 7301
2091 Balanserad vinst eller förlust 7302
2093 Erhållna aktieägartillskott 7302
2098 Vinst eller förlust från föregående år 7302
2099 Årets resultat 7302
2110 Periodiseringsfond vid 2010 års taxering 7321
2123 Periodiseringsfond 2023 7321
2124 Periodiseringsfond 2024 7321
2150 Ackumulerade överavskrivningar 7322
2210 Avsättningar för pensioner 7331
2350 Andra långfristiga skulder till kreditinstitut 7352
2393 Lån från närstående personer 7353
2410 Andra kortfristiga låneskulder till kreditinstitut 7361
2420 Förskott från kunder 7362
2440 Leverantörsskulder 7365
2510 Skatteskulder 7368
2512 Beräknad inkomstskatt 7368
2514 Beräknad särskild löneskatt på pensionskostnader 7368
2518 Betald F-skatt 7368
2611 Utgående moms på försäljning inom Sverige, 25 % 7369
2621 Utgående moms på försäljning inom Sverige, 12 % 7369
2631 Utgående moms på försäljning inom Sverige, 6 % 7369
2641 Debiterad ingående moms 7369
2645 Beräknad ingående moms på förvärv från utlandet 7369
2650 Redovisningskonto för moms 7369
2710 Personalskatt 7369
2730 Lagstadgade sociala avgifter och särskild löneskatt 7369
2731 Avräkning lagstadgade sociala avgifter 7369
2890 Övriga kortfristiga skulder 7369
2910 Upplupna löner 7370
2920 Upplupna semesterlöner 7370
2940 Upplupna lagstadgade sociala avgifter 7370
2990 Övriga upplupna kostnader och förutbetalda intäkter 7370
3001 Försäljning inom Sverige, 25 % moms 7410
3002 Försäljning inom Sverige, 12 % moms 7410
3003 Försäljning inom Sverige, 6 % moms 7410
3004 Försäljning inom Sverige, momsfri 7410
3105 Försäljning varor till land utanför EU 7410
3305 Försäljning tjänster till land utanför EU 7410
3308 Försäljning tjänster till annat EU-land 7410
3740 Öres- och kronutjämning 7410
3960 Valutakursvinster på fordringar och skulder av rörelsekaraktär 7413
3990 Övriga ersättningar och intäkter 7413
4010 Inköp av varor och material 7512
4056 Inköp av varor från annat EU-land, 25 % 7512
4400 Momspliktiga inköp i Sverige 7511
4531 Import tjänster land utanför EU, 25 % moms 7511
4990 Lagerförändring 7512
5010 Lokalhyra 7513
5020 El för belysning 7513
5060 Städning och renhållning 7513
5090 Övriga lokalkostnader 7513
5410 Förbrukningsinventarier 7513
5420 Programvaror 7513
5460 Förbrukningsmaterial 7513
5480 Arbetskläder och skyddsmaterial 7513
5611 Drivmedel för personbilar 7513
5615 Leasing av personbilar 7513
5800 Resekostnader 7513
5810 Biljetter 7513
5831 Kost och logi i Sverige 7513
5910 Annonsering 7513
5930 Reklamtrycksaker och direktreklam 7513
6071 Representation, avdragsgill 7513
6072 Representation, ej avdragsgill 7513
6110 Kontorsmateriel 7513
6211 Fast telefoni 7513
6212 Mobiltelefon 7513
6230 Datakommunikation 7513
6250 Postbefordran 7513
6310 Företagsförsäkringar 7513
6420 Ersättningar till revisor 7513
6530 Redovisningstjänster 7513
6540 IT-tjänster 7513
6550 Konsultarvoden 7513
6570 Bankkostnader 7513
6981 Föreningsavgifter, avdragsgilla 7513
6991 Övriga externa kostnader, avdragsgilla 7513
6992 Övriga externa kostnader, ej avdragsgilla 7513
7010 Löner till kollektivanställda 7514
7210 Löner till tjänstemän 7514
7220 Löner till företagsledare 7514
7285 Arvoden till styrelseledamöter 7514
7331 Skattefria bilersättningar 7514
7385 Kostnader för förmåner av bil 7514
7410 Pensionsförsäkringspremier 7514
7510 Arbetsgivaravgifter 7514
7519 Sociala avgifter för semester- och löneskulder 7514
7533 Särskild löneskatt för pensionskostnader 7514
7570 Premier för arbetsmarknadsförsäkringar 7514
7610 Utbildning 7514
7631 Personalrepresentation, avdragsgill 7514
7690 Övriga personalkostnader 7514
7832 Avskrivningar på inventarier och verktyg 7515
7833 Avskrivningar på installationer i annans fastighet 7515
7834 Avskrivningar på bilar och transportmedel 7515
7835 Avskrivningar på datorer 7515
7960 Valutakursförluster på fordringar och skulder av rörelsekaraktär 7517
8310 Ränteintäkter från omsättningstillgångar 7417
8314 Skattefria ränteintäkter 7417
8330 Valutakursdifferenser på kortfristiga fordringar 7417
8410 Räntekostnader för långfristiga skulder 7522
8420 Räntekostnader för kortfristiga skulder 7522
8423 Räntekostnader för skatter och avgifter 7522
8811 Avsättning till periodiseringsfond 7525
8819 Återföring från periodiseringsfond 7420
8850 Förändring av överavskrivningar 7526
8910 Skatt som belastar årets resultat 7528
8999 Årets resultat 7450
"""


def _account_type(number: str) -> AccountType:
    first = number[0]
    if first == "1":
        return AccountType.ASSET
    if first == "2":
        return AccountType.LIABILITY
    if first == "3" or "8000" <= number < "8400":
        return AccountType.INCOME
    return AccountType.COST


def _parse_chart() -> dict[str, Account]:
    chart: dict[str, Account] = {}
    for line in _CHART.strip().splitlines():
        number, rest = line.split(" ", 1)
        name, sru = rest.rsplit(" ", 1)
        chart[number] = Account(number, name, _account_type(number), sru=(sru,))
    return chart


def _is_balance_account(number: str) -> bool:
    return number[0] in "12"


# --------------------------------------------------------------------------------------
# Counterparties, cost centres, projects
# --------------------------------------------------------------------------------------

_COST_CENTRES: Final = (
    ("10", "Ledning"),
    ("20", "Försäljning"),
    ("30", "Konsultverksamhet"),
    ("40", "Support och drift"),
    ("50", "Utveckling"),
)
_PROJECTS: Final = (
    ("P101", "Ny webbplats åt Åkesson Bygg"),
    ("P102", "Systembyte Östgöta Frukt"),
    ("P103", "Kontorsflytt Göteborg"),
    ("P104", 'Utbildning "Lean" för Möller & Söner'),
    ("P105", "Ramavtal Region Västerbotten"),
    ("P106", "Lagerautomation Älvsbyn"),
)
_CUSTOMERS: Final = (
    "Åkesson Bygg AB",
    "Östgöta Frukt & Grönt AB",
    "Möller & Söner Handelsbolag",
    'Café "Lilla Torget" AB',
    "Region Västerbotten",
    "Lindqvists Plåtslageri AB",
    "Nyström Fastigheter AB",
    "Björkdalens Förskola",
    "Sjöbergs Åkeri AB",
    "Hälsocentralen i Ödeshög",
    "Karlsson & Karlsson Revision AB",
    "Fjällgården Hotell AB",
    "Ängby Tandvård AB",
    "Norrlandsmejeriet ek. för.",
    "Göteborgs Trähus AB",
    "Ystads Sjöfart AB",
    "Blåklint Design",
    "Kvarnströms El AB",
)


class _Supplier(NamedTuple):
    name: str
    account: str
    vat: int  # percent of input VAT on the net amount
    mu: float  # log of a typical net amount in kronor
    litres: bool = False  # fuel invoices carry a quantity


_SUPPLIERS: Final = (
    _Supplier("Grossisten i Borås AB", "4010", 25, 9.3),
    _Supplier("Telia Sverige AB", "6212", 25, 6.6),
    _Supplier("Bredband2 AB", "6230", 25, 6.2),
    _Supplier("IT-Partner Norden AB", "6540", 25, 8.4),
    _Supplier("Kontorsgiganten AB", "6110", 25, 6.8),
    _Supplier("Clas Ohlson AB", "5410", 25, 7.2),
    _Supplier("Circle K Sverige AB", "5611", 25, 6.4, litres=True),
    _Supplier("If Skadeförsäkring AB", "6310", 0, 8.0),
    _Supplier("Redovisningsbyrån Ekonomen AB", "6530", 25, 8.6),
    _Supplier("Restaurang Pelikan", "6071", 12, 6.9),
    _Supplier("Postnord Sverige AB", "6250", 25, 5.8),
    _Supplier("Städservice i Mälardalen AB", "5060", 25, 7.6),
    _Supplier("Annonsbolaget Syd AB", "5910", 25, 8.2),
    _Supplier("SJ AB", "5810", 6, 6.5),
    _Supplier("Dustin Sverige AB", "5410", 25, 8.8),
)
_LANDLORD: Final = "Fastighets AB Stenstaden"
_MONTHS: Final = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_NAME_FIRST: Final = (
    "Nordljus",
    "Älvdalens",
    "Granskogs",
    "Solbacka",
    "Havsörn",
    "Fjällrävens",
    "Kopparbergs",
    "Ljungby",
    "Vinterviks",
    "Östersunds",
)
_NAME_LAST: Final = (
    "Konsult AB",
    "Snickeri AB",
    "Data AB",
    "Handel AB",
    "Teknik & Service AB",
    "Bygg och Måleri AB",
    "Redovisning AB",
)
_TOWNS: Final = (
    ("Storgatan", "411 38", "Göteborg"),
    ("Drottninggatan", "111 51", "Stockholm"),
    ("Kungsgatan", "753 21", "Uppsala"),
    ("Södra Förstadsgatan", "211 43", "Malmö"),
    ("Rådhusesplanaden", "903 28", "Umeå"),
    ("Järnvägsgatan", "582 22", "Linköping"),
)

_VAT_ACCOUNTS: Final = {25: ("3001", "2611"), 12: ("3002", "2621"), 6: ("3003", "2631")}
_OUTPUT_VAT: Final = ("2611", "2621", "2631")
_SALARY_TAX_PERCENT: Final = 30
_EMPLOYER_FEE_PERMILLE: Final = 3142  # 31.42 % in tenths of a per mille
_CORPORATE_TAX_PERMILLE: Final = 206
_FULL_MODE_ROWS: Final = 1500  # below this a year gets no monthly payroll/VAT routine

# --------------------------------------------------------------------------------------
# Internal voucher shape (cheap tuples; model objects are built only when yielded)
# --------------------------------------------------------------------------------------


class _Row(NamedTuple):
    account: str
    ore: int
    objects: tuple[ObjectRef, ...] = ()
    kind: RowKind = RowKind.NORMAL
    text: str | None = None
    quantity: Decimal | None = None


class _Ver(NamedTuple):
    series: str
    day: date
    text: str
    rows: tuple[_Row, ...]
    registered: date


def _counting_rows(ver: _Ver) -> int:
    """#TRANS lines the voucher writes: normal rows plus the twins of added rows."""
    return sum(1 for r in ver.rows if r.kind is not RowKind.REMOVED)


def _kr(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def _vat(net: int, percent: int) -> int:
    return (net * percent + 50) // 100


@dataclass(slots=True)
class _Invoice:
    number: int
    party: str
    gross: int
    due: date
    # Where it came from and how it ended; kept so the registers can be told (history()).
    day: date | None = None  # None: issued before the first generated year
    voucher: tuple[str, int, int] | None = None  # series, number, year index
    vat: int = 0
    capitalised: bool = False
    paid: date | None = None
    payment: tuple[str, int, int] | None = None


@dataclass(slots=True)
class _Log:
    """What a recording pass saw: every invoice issued, and the fixed-asset events in order."""

    sales: list[_Invoice] = field(default_factory=list)
    purchases: list[_Invoice] = field(default_factory=list)
    # Capitalised purchase invoices and depreciations, in the order they were booked.
    events: list[_Invoice | GeneratedDepreciation] = field(default_factory=list)


@dataclass(slots=True)
class _Carry:
    """What one year hands to the next: open items, liabilities, counters, balances."""

    balances: dict[str, int] = field(default_factory=dict)  # balance-sheet accounts
    # Open invoices by due date: paid (if the budget allows) on or after that day.
    open_sales: dict[date, list[_Invoice]] = field(default_factory=dict)
    open_purchases: dict[date, list[_Invoice]] = field(default_factory=dict)
    payroll_due: list[tuple[date, int, int]] = field(default_factory=list)  # 2710, 2731
    vat_due: list[tuple[date, int]] = field(default_factory=list)  # 2650
    tax_due: list[tuple[date, int]] = field(default_factory=list)  # 2512
    next_sales_invoice: int = 1001
    next_purchase_invoice: int = 1


@dataclass(slots=True)
class _Totals:
    """One year's movements, by account, by month and by object."""

    accounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    periods: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    objects: dict[tuple[str, ObjectRef], int] = field(default_factory=lambda: defaultdict(int))
    period_objects: dict[tuple[str, str, ObjectRef], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    rows: int = 0
    vouchers: int = 0

    def add(self, ver: _Ver) -> None:
        period = f"{ver.day.year:04d}{ver.day.month:02d}"
        accounts, periods = self.accounts, self.periods
        for row in ver.rows:
            if row.kind is RowKind.REMOVED:
                continue
            accounts[row.account] += row.ore
            periods[period, row.account] += row.ore
            for ref in row.objects:
                self.objects[row.account, ref] += row.ore
                self.period_objects[period, row.account, ref] += row.ore
            self.rows += 1
        self.vouchers += 1


# --------------------------------------------------------------------------------------
# One financial year
# --------------------------------------------------------------------------------------


class _Budget:
    """How much of the year is left, in #TRANS rows or in vouchers."""

    def __init__(self, total: int, *, by_rows: bool, closing: bool) -> None:
        self.by_rows = by_rows
        self.left = total
        # Room kept for the closing vouchers (at most 2 vouchers / 4 rows) and for a filler
        # of at least 2 rows, so the count can always be made exact.
        self.reserve = (4 if closing else 0) + 2 if by_rows else (2 if closing else 0)

    def cost(self, ver: _Ver) -> int:
        return _counting_rows(ver) if self.by_rows else 1

    def fits(self, ver: _Ver) -> bool:
        return self.left - self.cost(ver) >= self.reserve


class _YearSimulation:
    """Generates one financial year's vouchers in date order, updating ``carry``."""

    def __init__(
        self,
        company: _Company,
        year: FinancialYear,
        carry: _Carry,
        budget: _Budget,
        *,
        close_year: bool,
        rng: random.Random,
        log: _Log | None = None,
    ) -> None:
        self.c = company
        self.year = year
        self.carry = carry
        self.budget = budget
        self.close_year = close_year
        self.rng = rng
        self.totals = _Totals()
        self.numbers: dict[str, int] = defaultdict(int)
        self.full = (
            budget.left >= _FULL_MODE_ROWS
            if budget.by_rows
            else budget.left >= _FULL_MODE_ROWS // 3
        )
        # Fixed costs grow with the business, so that a big ledger is not a tiny firm with
        # huge sales nor a small one drowning in salaries (≈ #TRANS rows a year).
        size = budget.left if budget.by_rows else budget.left * 3
        self.rent = max(6_000, 5 * size) // 100 * 100_00
        self.salary = max(25_000, 13 * size) * 100  # gross per cost centre and month
        self.output_vat = dict.fromkeys(_OUTPUT_VAT, 0)
        self.input_vat = 0
        self.log = log

    # -- driver ---------------------------------------------------------------------------

    def run(self) -> Iterator[Voucher]:
        """Model vouchers, in date order; totals and carry are updated as they go."""
        for ver in self._vers():
            yield self._to_model(ver)

    def run_totals(self) -> None:
        """Simulate without building model objects (the balance pass)."""
        for _ in self._vers():
            pass

    def _vers(self) -> Iterator[_Ver]:
        start, end = self.year.start, self.year.end
        for book in (self.carry.open_sales, self.carry.open_purchases):
            _move_overdue(book, start)
        days = (end - start).days + 1
        credit = 0.0
        for offset in range(days):
            day = start + timedelta(days=offset)
            spendable = self.budget.left - self.budget.reserve
            credit += spendable / (days - offset)
            # Routine vouchers check the budget themselves, before their side effects.
            for ver in self._routine(day):
                credit -= self.budget.cost(ver)
                yield self._emit(ver)
            while credit > 0:
                business = self._business(day)
                if business is None:
                    credit = 0
                    break
                credit -= self.budget.cost(business)
                yield self._emit(business)
        yield from (self._emit(v) for v in self._year_end(end))

    def _emit(self, ver: _Ver) -> _Ver:
        self.numbers[ver.series] += 1
        self.budget.left -= self.budget.cost(ver)
        self.totals.add(ver)
        balances = self.carry.balances
        for row in ver.rows:
            if row.kind is not RowKind.REMOVED and _is_balance_account(row.account):
                balances[row.account] = balances.get(row.account, 0) + row.ore
            if row.account in self.output_vat:
                self.output_vat[row.account] -= row.ore
            elif row.account == "2641":
                self.input_vat += row.ore
        return ver

    def _to_model(self, ver: _Ver) -> Voucher:
        # Numbered by _emit, which runs just before for every voucher.
        return Voucher(
            series=ver.series,
            number=str(self.numbers[ver.series]),
            date=ver.day,
            text=ver.text,
            rows=tuple(
                VoucherRow(r.kind, r.account, _kr(r.ore), r.objects, None, r.text, r.quantity)
                for r in ver.rows
            ),
            registered=ver.registered,
        )

    def _next_ref(self, series: str) -> tuple[str, int, int]:
        """The reference the next voucher of ``series`` gets when it is emitted."""
        return series, self.numbers[series] + 1, self.year.index

    def _ver(self, series: str, day: date, text: str, *rows: _Row) -> _Ver:
        lag = self.rng.choice((0, 0, 0, 1, 2, 3, 7))
        registered = min(day + timedelta(days=lag), self.year.end + timedelta(days=20))
        return _Ver(series, day, text, rows, registered)

    # -- routine: payments due, payroll, VAT, rent, depreciation ------------------------------

    def _routine(self, day: date) -> Iterator[_Ver]:
        carry = self.carry
        yield from self._payments(
            day, carry.open_sales, "C", "Inbetalning faktura {number} {party}", "1930", "1510"
        )
        yield from self._payments(
            day, carry.open_purchases, "E", "Betalning {party} ({number})", "2440", "1930"
        )
        yield from self._tax_account(day)
        if day.month == 5 and day.day == 20 and carry.balances.get("2099"):
            result = carry.balances["2099"]
            yield from self._fitting(
                self._ver(
                    "A",
                    day,
                    "Disposition av föregående års resultat enligt stämma",
                    _Row("2099", -result),
                    _Row("2091", result),
                )
            )
        if not self.full:
            if self._is_quarter_end(day):
                yield from self._depreciation(day, months=3)
                yield from self._vat_settlement(day)
            return
        if day.day == 1:
            rent = self.rent
            yield from self._fitting(
                self._ver(
                    "A",
                    day,
                    f"Hyra {_MONTHS[day.month - 1]} {_LANDLORD}",
                    _Row("5010", rent, ((1, "10"),)),
                    _Row("2641", _vat(rent, 25)),
                    _Row("1930", -rent - _vat(rent, 25)),
                )
            )
        if day.day == 25:
            yield from self._payroll(day)
        if day.day == 27:
            yield from self._fitting(
                self._ver("A", day, "Bankavgifter", _Row("6570", 295_00), _Row("1930", -295_00))
            )
        if _is_month_end(day):
            yield from self._depreciation(day)
            yield from self._vat_settlement(day)

    def _fitting(self, *vers: _Ver) -> Iterator[_Ver]:
        """All of ``vers`` if they fit the budget together, else none."""
        if self.budget.left - sum(self.budget.cost(v) for v in vers) >= self.budget.reserve:
            yield from vers

    def _payments(
        self,
        day: date,
        book: dict[date, list[_Invoice]],
        series: str,
        text: str,
        debit: str,
        credit: str,
    ) -> Iterator[_Ver]:
        due = book.pop(day, None)
        if not due:
            return
        for i, inv in enumerate(due):
            ver = self._ver(
                series,
                day,
                text.format(number=inv.number, party=inv.party),
                _Row(debit, inv.gross),
                _Row(credit, -inv.gross),
            )
            if not self.budget.fits(ver):
                # Out of budget: what is left stays open into the next day (or year).
                book.setdefault(day + timedelta(days=1), []).extend(due[i:])
                return
            inv.paid, inv.payment = day, self._next_ref(series)
            yield ver

    def _is_quarter_end(self, day: date) -> bool:
        return _is_month_end(day) and (
            day.month % 3 == self.year.end.month % 3 or day == self.year.end
        )

    def _payroll(self, day: date) -> Iterator[_Ver]:
        rows: list[_Row] = []
        gross_total = 0
        for code, _ in _COST_CENTRES[1:4]:
            gross = round(self.salary * self.rng.uniform(0.8, 1.2)) // 100 * 100
            gross_total += gross
            rows.append(_Row("7210", gross, ((1, code),)))
        tax = gross_total * _SALARY_TAX_PERCENT // 100
        fee = gross_total * _EMPLOYER_FEE_PERMILLE // 10_000
        rows += [
            _Row("7510", fee),
            _Row("2710", -tax),
            _Row("2731", -fee),
            _Row("1930", -(gross_total - tax)),
        ]
        ver = self._ver("L", day, f"Lön {_MONTHS[day.month - 1]} {day.year}", *rows)
        if self.budget.fits(ver):
            self.carry.payroll_due.append((_next_month_day(day, 12), tax, fee))
            yield ver

    def _tax_account(self, day: date) -> Iterator[_Ver]:
        carry = self.carry
        payroll = [p for p in carry.payroll_due if p[0] <= day]
        vat = [v for v in carry.vat_due if v[0] <= day]
        tax = [t for t in carry.tax_due if t[0] <= day]
        rows: list[_Row] = []
        for _, personal, fees in payroll:
            rows += [_Row("2710", personal), _Row("2731", fees)]
        rows += [_Row("2650", amount) for _, amount in vat]
        rows += [_Row("2512", amount) for _, amount in tax]
        if not rows:
            return
        total = sum(r.ore for r in rows)
        rows.append(_Row("1630", -total))
        vers = (
            self._ver("A", day, "Skattekonto: dragning", *rows),
            self._ver(
                "A", day, "Insättning till skattekontot", _Row("1630", total), _Row("1930", -total)
            ),
        )
        fitting = list(self._fitting(*vers))
        if fitting:
            carry.payroll_due = [p for p in carry.payroll_due if p not in payroll]
            carry.vat_due = [v for v in carry.vat_due if v not in vat]
            carry.tax_due = [t for t in carry.tax_due if t not in tax]
        yield from fitting

    def _vat_settlement(self, day: date) -> Iterator[_Ver]:
        rows = [_Row(a, v) for a, v in self.output_vat.items() if v]
        if self.input_vat:
            rows.append(_Row("2641", -self.input_vat))
        if not rows:
            return
        net = sum(r.ore for r in rows)
        rows.append(_Row("2650", -net))
        ver = self._ver("A", day, f"Momsredovisning t.o.m. {day.isoformat()}", *rows)
        if self.budget.fits(ver):
            if net > 0:  # a claim on Skatteverket is left on 2650 until it is refunded
                self.carry.vat_due.append((_next_month_day(day, 12, months=2), net))
            yield ver

    def _depreciation(self, day: date, *, months: int = 1) -> Iterator[_Ver]:
        cost = self.carry.balances.get("1220", 0)
        booked = -self.carry.balances.get("1229", 0)
        amount = min(cost * 20 * months // 1200, cost - booked)
        if amount > 0:
            ref = self._next_ref("A")
            for ver in self._fitting(
                self._ver(
                    "A",
                    day,
                    f"Avskrivning inventarier {_MONTHS[day.month - 1]}",
                    _Row("7832", amount),
                    _Row("1229", -amount),
                )
            ):
                if self.log is not None:
                    self.log.events.append(
                        GeneratedDepreciation(day, _kr(amount), VoucherRef(*ref))
                    )
                yield ver

    # -- business events ------------------------------------------------------------------

    def _business(self, day: date) -> _Ver | None:
        """One business event, or None when it does not fit the budget (nothing changes)."""
        pick = self.rng.random()
        if pick < 0.45:
            return self._sales_invoice(day)
        if pick < 0.85:
            return self._purchase_invoice(day)
        return self._card_purchase(day)

    def _objects(self, *, project_share: float = 0.25) -> tuple[ObjectRef, ...]:
        rng = self.rng
        if rng.random() < 0.4:
            return ()
        refs: list[ObjectRef] = [(1, rng.choice(_COST_CENTRES)[0])]
        if rng.random() < project_share:
            refs.append((6, rng.choice(_PROJECTS)[0]))
        return tuple(refs)

    def _amount(self, mu: float) -> int:
        kronor = max(1, round(self.rng.lognormvariate(mu, 0.7)))
        ore = self.rng.randrange(100) if self.rng.random() < 0.3 else 0
        return kronor * 100 + ore

    def _sales_invoice(self, day: date) -> _Ver | None:
        rng, carry = self.rng, self.carry
        customer = rng.choice(_CUSTOMERS)
        number = carry.next_sales_invoice
        rows: list[_Row] = []
        vat_rows: dict[str, int] = {}
        for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))):
            percent = rng.choice((25, 25, 25, 25, 25, 12, 6))
            revenue, vat_account = _VAT_ACCOUNTS[percent]
            net = self._amount(9.0)
            rows.append(_Row(revenue, -net, self._objects()))
            vat_rows[vat_account] = vat_rows.get(vat_account, 0) - _vat(net, percent)
        rows += [_Row(a, v) for a, v in vat_rows.items()]
        gross = -sum(r.ore for r in rows)
        due = day + timedelta(days=rng.choice((10, 15, 30, 30, 30)) + rng.randrange(-5, 21))
        ver = self._ver("B", day, f"Kundfaktura {number} {customer}", _Row("1510", gross), *rows)
        if not self.budget.fits(ver):
            return None
        carry.next_sales_invoice += 1
        invoice = _Invoice(number, customer, gross, due, day, self._next_ref("B"))
        carry.open_sales.setdefault(due, []).append(invoice)
        if self.log is not None:
            self.log.sales.append(invoice)
        return ver

    def _purchase_invoice(self, day: date) -> _Ver | None:
        rng, carry = self.rng, self.carry
        supplier = rng.choice(_SUPPLIERS)
        number = carry.next_purchase_invoice
        net = self._amount(supplier.mu)
        account = supplier.account
        if supplier.name.startswith("Dustin") and net >= 25_000_00:
            account = "1220"  # above half a price base amount it is capitalised
        vat = _vat(net, supplier.vat)
        quantity = None
        if supplier.litres:
            quantity = (Decimal(net) / Decimal(2150)).quantize(Decimal("0.01"))
        objects = () if account == "1220" else self._objects(project_share=0.1)
        cost = _Row(account, net, objects, quantity=quantity)
        rows = [cost] + ([_Row("2641", vat)] if vat else []) + [_Row("2440", -(net + vat))]
        if rng.random() < 0.01 and account != "1220":
            # Corrected after registration: the cost moved to another account.
            rows[0] = cost._replace(kind=RowKind.REMOVED)
            rows.insert(1, cost._replace(account="6991", kind=RowKind.ADDED))
        due = day + timedelta(days=rng.choice((20, 30, 30)))
        ver = self._ver("D", day, f"Leverantörsfaktura {number} {supplier.name}", *rows)
        if not self.budget.fits(ver):
            return None
        carry.next_purchase_invoice += 1
        invoice = _Invoice(
            number,
            supplier.name,
            net + vat,
            due,
            day,
            self._next_ref("D"),
            vat=vat,
            capitalised=account == "1220",
        )
        carry.open_purchases.setdefault(due, []).append(invoice)
        if self.log is not None:
            self.log.purchases.append(invoice)
            if invoice.capitalised:
                self.log.events.append(invoice)
        return ver

    def _card_purchase(self, day: date) -> _Ver | None:
        supplier = self.rng.choice(_SUPPLIERS[1:7])
        net = self._amount(supplier.mu - 1.0)
        vat = _vat(net, supplier.vat)
        rows = [_Row(supplier.account, net, self._objects(project_share=0.0))]
        if vat:
            rows.append(_Row("2641", vat))
        rows.append(_Row("1930", -(net + vat)))
        ver = self._ver("A", day, f"Kortköp {supplier.name}", *rows)
        return ver if self.budget.fits(ver) else None

    # -- year end -------------------------------------------------------------------------

    def _year_end(self, end: date) -> list[_Ver]:
        closing: list[_Ver] = []
        if self.close_year:
            profit = -sum(o for a, o in self.totals.accounts.items() if not _is_balance_account(a))
            tax = max(0, profit * _CORPORATE_TAX_PERMILLE // 1000 // 100 * 100)
            if tax:
                closing.append(
                    self._ver(
                        "A",
                        end,
                        "Skatt på årets resultat",
                        _Row("8910", tax),
                        _Row("2512", -tax),
                    )
                )
                self.carry.tax_due.append((_next_month_day(end, 12, months=5), tax))
            result = profit - tax
            if result:
                closing.append(
                    self._ver(
                        "A", end, "Årets resultat", _Row("8999", result), _Row("2099", -result)
                    )
                )
        used = sum(self.budget.cost(v) for v in closing)
        filler = self.budget.left - used
        return self._fillers(end, filler) + closing

    def _fillers(self, day: date, amount: int) -> list[_Ver]:
        """Transfers to the savings account that make the count exact (no effect on result)."""
        vers: list[_Ver] = []
        if self.budget.by_rows:
            while amount > 0:
                n = 3 if amount == 3 else 2
                sums = [self.rng.randrange(1_000, 20_000) * 100 for _ in range(n - 1)]
                rows = [_Row("1940", s) for s in sums] + [_Row("1930", -sum(sums))]
                vers.append(self._ver("A", day, "Överföring till sparkonto", *rows))
                amount -= n
        else:
            for _ in range(amount):
                s = self.rng.randrange(1_000, 20_000) * 100
                vers.append(
                    self._ver(
                        "A", day, "Överföring till sparkonto", _Row("1940", s), _Row("1930", -s)
                    )
                )
        return vers


def _move_overdue(book: dict[date, list[_Invoice]], day: date) -> None:
    """Invoices due before ``day`` (carried from last year) fall due on ``day``."""
    for due in sorted(d for d in book if d < day):
        book.setdefault(day, []).extend(book.pop(due))


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _next_month_day(day: date, dom: int, *, months: int = 1) -> date:
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, dom)


# --------------------------------------------------------------------------------------
# What the books imply for Fortnox's registers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherRef:
    """A generated voucher: series, number and financial-year index (0 current, -1 …)."""

    series: str
    number: int
    year: int


@dataclass(frozen=True, slots=True)
class GeneratedInvoice:
    """A customer or supplier invoice the books carry, and how (or whether) it was paid.

    ``voucher`` is None for invoices issued before the first generated year (they make up
    its opening balance on 1510/2440); their ``invoice_date`` is then ``due_date`` less
    30 days, the generator knowing no better. ``party_number`` is the 1-based position
    of ``party`` in :attr:`GeneratedCompany.customers` or :attr:`GeneratedCompany.suppliers`.
    """

    number: int
    party: str
    party_number: int
    invoice_date: date
    due_date: date
    gross: Decimal
    vat: Decimal
    voucher: VoucherRef | None
    paid: date | None
    payment: VoucherRef | None
    capitalised: bool = False

    def open_at(self, day: date) -> bool:
        """Issued on or before ``day`` and not paid by then."""
        return self.invoice_date <= day and (self.paid is None or self.paid > day)


@dataclass(frozen=True, slots=True)
class GeneratedDepreciation:
    """One depreciation voucher of the inventory (7832 against 1229)."""

    day: date
    amount: Decimal
    voucher: VoucherRef


@dataclass(frozen=True, slots=True)
class GeneratedHistory:
    """Every invoice of every generated year and the fixed-asset events, in booking order.

    ``opening_assets`` is (1220, −1229) of the first year's IB: inventory bought before the
    books begin. ``asset_events`` holds the capitalised purchase invoices (booked on 1220)
    and the depreciations, so a register can allocate each depreciation to what was on the
    books at the time. For every year end, Σ open sales = UB 1510 and Σ open purchases =
    −UB 2440.
    """

    sales: tuple[GeneratedInvoice, ...]
    purchases: tuple[GeneratedInvoice, ...]
    opening_assets: tuple[Decimal, Decimal]
    first_day: date
    asset_events: tuple[GeneratedInvoice | GeneratedDepreciation, ...]

    def open_sales(self, day: date) -> list[GeneratedInvoice]:
        """Customer invoices open at the end of ``day``."""
        return [i for i in self.sales if i.open_at(day)]

    def open_purchases(self, day: date) -> list[GeneratedInvoice]:
        """Supplier invoices open at the end of ``day``."""
        return [i for i in self.purchases if i.open_at(day)]


def _public_invoice(inv: _Invoice, parties: tuple[str, ...]) -> GeneratedInvoice:
    voucher = VoucherRef(*inv.voucher) if inv.voucher else None
    payment = VoucherRef(*inv.payment) if inv.payment else None
    return GeneratedInvoice(
        number=inv.number,
        party=inv.party,
        party_number=parties.index(inv.party) + 1,
        invoice_date=inv.day or inv.due - timedelta(days=30),
        due_date=inv.due,
        gross=_kr(inv.gross),
        vat=_kr(inv.vat),
        voucher=voucher,
        paid=inv.paid,
        payment=payment,
        capitalised=inv.capitalised,
    )


# --------------------------------------------------------------------------------------
# The company
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Company:
    seed: int
    per_year: int
    by_rows: bool
    years: tuple[FinancialYear, ...]  # oldest first


@dataclass(slots=True)
class _YearRecord:
    year: FinancialYear
    opening: dict[str, int]
    carry_before: _Carry
    totals: _Totals


class GeneratedCompany:
    """A generated company: identification, chart, dimensions, balances, vouchers.

    ``header``, ``accounts``, ``dimensions`` and ``objects`` are ready-made; balances are
    computed on first use (a full simulation pass); :meth:`vouchers` regenerates a year's
    vouchers lazily, so they can be streamed to a file without being held.
    """

    def __init__(self, company: _Company, header: Header) -> None:
        self._company = company
        self.seed: Final = company.seed
        self.header: Final = header
        self.accounts: Final = _parse_chart()
        self.dimensions: Final = {
            1: Dimension(1, "Kostnadsställe"),
            6: Dimension(6, "Projekt"),
        }
        objects = [SieObject(1, code, name) for code, name in _COST_CENTRES]
        objects += [SieObject(6, code, name) for code, name in _PROJECTS]
        self.objects: Final = {(o.dimension, o.code): o for o in objects}
        self._records: list[_YearRecord] | None = None

    # -- simulation -----------------------------------------------------------------------

    def _rng(self, year: FinancialYear) -> random.Random:
        return random.Random(f"bokslut-generator-{self.seed}-{year.index}")

    def _simulate(self) -> list[_YearRecord]:
        if self._records is not None:
            return self._records
        carry = _opening_carry(
            random.Random(f"bokslut-opening-{self.seed}"), self._company.years[0]
        )
        records: list[_YearRecord] = []
        for fy in self._company.years:
            before = copy.deepcopy(carry)
            sim = self._simulation(fy, carry)
            sim.run_totals()
            records.append(_YearRecord(fy, dict(before.balances), before, sim.totals))
        self._records = records
        return records

    def _simulation(
        self, fy: FinancialYear, carry: _Carry, log: _Log | None = None
    ) -> _YearSimulation:
        budget = _Budget(
            self._company.per_year, by_rows=self._company.by_rows, closing=fy.index < 0
        )
        return _YearSimulation(
            self._company, fy, carry, budget, close_year=fy.index < 0, rng=self._rng(fy), log=log
        )

    def _record(self, year: int) -> _YearRecord:
        for record in self._simulate():
            if record.year.index == year:
                return record
        raise ValueError(f"no financial year {year}; the company has {len(self._simulate())}")

    # -- public API -------------------------------------------------------------------------

    @property
    def customers(self) -> tuple[str, ...]:
        """The customers' names; invoices refer to them by 1-based position."""
        return _CUSTOMERS

    @property
    def suppliers(self) -> tuple[str, ...]:
        """The suppliers' names; invoices refer to them by 1-based position."""
        return tuple(s.name for s in _SUPPLIERS)

    def history(self) -> GeneratedHistory:
        """Every invoice and fixed-asset event of every year (one more simulation pass).

        What Fortnox's registers would hold beside these books: invoices with their
        vouchers and payments, and the inventory bought and depreciated.
        """
        first = self._company.years[0]
        carry = _opening_carry(random.Random(f"bokslut-opening-{self.seed}"), first)
        log = _Log()
        log.sales = [i for book in carry.open_sales.values() for i in book]
        log.purchases = [i for book in carry.open_purchases.values() for i in book]
        opening = (_kr(carry.balances["1220"]), _kr(-carry.balances["1229"]))
        for fy in self._company.years:
            self._simulation(fy, carry, log).run_totals()
        customers, suppliers = self.customers, self.suppliers
        return GeneratedHistory(
            sales=tuple(_public_invoice(i, customers) for i in log.sales),
            purchases=tuple(_public_invoice(i, suppliers) for i in log.purchases),
            opening_assets=opening,
            first_day=first.start,
            asset_events=tuple(
                e if isinstance(e, GeneratedDepreciation) else _public_invoice(e, suppliers)
                for e in log.events
            ),
        )

    def vouchers(self, year: int = 0) -> Iterator[Voucher]:
        """The vouchers of financial year ``year`` (0 current, -1 previous …), generated lazily."""
        record = self._record(year)
        return self._simulation(record.year, copy.deepcopy(record.carry_before)).run()

    def balances(self) -> list[Balance]:
        """#IB and #UB for every year (newest first), then #RES, zero balances left out."""
        ib_ub: list[Balance] = []
        res: list[Balance] = []
        for record in reversed(self._simulate()):
            index = record.year.index
            movements = record.totals.accounts
            for number in self.accounts:
                if _is_balance_account(number):
                    opening = record.opening.get(number, 0)
                    closing = opening + movements.get(number, 0)
                    if opening:
                        ib_ub.append(Balance("IB", index, number, _kr(opening)))
                    if closing:
                        ib_ub.append(Balance("UB", index, number, _kr(closing)))
                elif movements.get(number):
                    res.append(Balance("RES", index, number, _kr(movements[number])))
        return ib_ub + res

    def object_balances(self) -> list[ObjectBalance]:
        """#OUB per account and object for the current year (objects sit on result rows)."""
        totals = self._record(0).totals.objects
        return [
            ObjectBalance("OUB", 0, account, ref, _kr(amount))
            for (account, ref), amount in sorted(totals.items())
            if amount
        ]

    def period_balances(self) -> list[PeriodBalance]:
        """#PSALDO (a month's movements) per account, and per object, for years 0 and -1."""
        out: list[PeriodBalance] = []
        for record in reversed(self._simulate()):
            index = record.year.index
            if index < -1:
                break
            totals = record.totals
            for (period, account), amount in sorted(totals.periods.items()):
                if amount:
                    out.append(PeriodBalance("PSALDO", index, period, account, (), _kr(amount)))
            for (period, account, ref), amount in sorted(totals.period_objects.items()):
                if amount:
                    out.append(PeriodBalance("PSALDO", index, period, account, (ref,), _kr(amount)))
        return out

    def items(self) -> Iterator[Item]:
        """What a SIE 4E export of the current year holds, in the writer's order."""
        balances = self.balances()
        yield from (b for b in balances if b.kind != "RES")
        yield from self.object_balances()
        yield from (b for b in balances if b.kind == "RES")
        yield from self.period_balances()
        yield from self.vouchers(0)

    def document(self) -> Document:
        """The whole current-year export in memory (for small companies and tests)."""
        balances = self.balances()
        return Document(
            header=self.header,
            accounts=dict(self.accounts),
            dimensions=dict(self.dimensions),
            objects=dict(self.objects),
            balances=[b for b in balances if b.kind != "RES"]
            + [b for b in balances if b.kind == "RES"],
            object_balances=self.object_balances(),
            period_balances=self.period_balances(),
            vouchers=list(self.vouchers(0)),
        )

    def transaction_rows(self, year: int = 0) -> int:
        """Number of #TRANS lines the year's vouchers write (normal rows and #RTRANS twins)."""
        return self._record(year).totals.rows

    def voucher_count(self, year: int = 0) -> int:
        """Number of vouchers in the year."""
        return self._record(year).totals.vouchers


def _opening_carry(rng: random.Random, first: FinancialYear) -> _Carry:
    """The balance sheet the company starts its first generated year with."""
    carry = _Carry()
    december = first.start - timedelta(days=1)
    for _ in range(rng.randrange(3, 8)):
        due = december + timedelta(days=rng.randrange(5, 30))
        invoice = _Invoice(
            carry.next_sales_invoice,
            rng.choice(_CUSTOMERS),
            rng.randrange(5_000, 60_000) * 100,
            due,
        )
        carry.open_sales.setdefault(due, []).append(invoice)
        carry.next_sales_invoice += 1
    for _ in range(rng.randrange(2, 6)):
        due = december + timedelta(days=rng.randrange(5, 25))
        invoice = _Invoice(
            carry.next_purchase_invoice,
            rng.choice(_SUPPLIERS).name,
            rng.randrange(1_000, 30_000) * 100,
            due,
        )
        carry.open_purchases.setdefault(due, []).append(invoice)
        carry.next_purchase_invoice += 1
    b = carry.balances
    b["1220"] = rng.randrange(50_000, 300_000) * 100
    b["1229"] = -(b["1220"] * rng.randrange(10, 60) // 100)
    b["1510"] = sum(i.gross for book in carry.open_sales.values() for i in book)
    b["1930"] = rng.randrange(200_000, 900_000) * 100
    b["2081"] = -25_000_00
    b["2440"] = -sum(i.gross for book in carry.open_purchases.values() for i in book)
    b["2091"] = -sum(b.values())
    return carry


def generate_orgnr(rng: random.Random) -> str:
    """A valid aktiebolag organisation number (``55NNNN-NNNN``, Luhn check digit)."""
    body = "55" + "".join(str(rng.randrange(10)) for _ in range(7))
    number = body + luhn.calc_check_digit(body)
    return str(se_orgnr.format(se_orgnr.validate(number)))


def generate_company(
    *,
    seed: int,
    vouchers_per_year: int | None = None,
    transactions_per_year: int | None = None,
    years: int = 1,
    name: str | None = None,
    orgnr: str | None = None,
    current_year: int = 2024,
    first_month: int = 1,
) -> GeneratedCompany:
    """Generate a company deterministically from ``seed``.

    Give the size either as ``vouchers_per_year`` or as ``transactions_per_year`` (the exact
    number of #TRANS lines each year's vouchers write); without either, 1000 vouchers a
    year. ``years`` (1–3) financial years end with the one starting in ``current_year``
    (month ``first_month``); index 0 is the current year. ``orgnr`` must be valid.
    """
    if vouchers_per_year is not None and transactions_per_year is not None:
        raise ValueError("give vouchers_per_year or transactions_per_year, not both")
    if not 1 <= years <= 3:
        raise ValueError("years must be 1, 2 or 3")
    if not 1 <= first_month <= 12:
        raise ValueError("first_month must be 1–12")
    by_rows = transactions_per_year is not None
    per_year = (
        transactions_per_year
        if transactions_per_year is not None
        else 1000
        if vouchers_per_year is None
        else vouchers_per_year
    )
    if per_year < (8 if by_rows else 3):
        raise ValueError("too small a ledger: at least 8 rows or 3 vouchers a year")
    identity = random.Random(f"bokslut-company-{seed}")
    fys: list[FinancialYear] = []
    for index in range(-(years - 1), 1):
        start = date(current_year + index, first_month, 1)
        end = date(current_year + index + 1, first_month, 1) - timedelta(days=1)
        fys.append(FinancialYear(index, start, end))
    if orgnr is None:
        orgnr = generate_orgnr(identity)
    else:
        orgnr = str(se_orgnr.format(se_orgnr.validate(orgnr)))
    if name is None:
        name = f"{identity.choice(_NAME_FIRST)} {identity.choice(_NAME_LAST)}"
    street, postal, town = identity.choice(_TOWNS)
    current = fys[-1]
    header = Header(
        flag=0,
        program="bokslut",
        program_version=__version__,
        format="PC8",
        generated=current.end + timedelta(days=45),
        sie_type=4,
        company_type="AB",
        company_id=str(1000 + seed % 9000),
        org_number=orgnr,
        address=Address(
            contact=identity.choice(("Anna Lindqvist", "Per Åström", "Maria Öberg")),
            street=f"{street} {identity.randrange(1, 60)}",
            postal=f"{postal} {town}",
            phone=f"0{identity.randrange(10, 99)}-{identity.randrange(100000, 999999)}",
        ),
        company_name=name,
        years={fy.index: fy for fy in fys},
        tax_year=current.end.year + 1,
        period_end=current.end,
        chart_type="EUBAS97",
        currency="SEK",
    )
    return GeneratedCompany(_Company(seed, per_year, by_rows, tuple(fys)), header)


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """What :func:`write_generated_sie` wrote."""

    path: Path
    transactions: int
    vouchers: int
    size_bytes: int


def write_generated_sie(
    path: str | Path,
    *,
    seed: int,
    transactions: int,
    years: int = 1,
    sie_type: SieType = "4E",
    checksum: bool = False,
    name: str | None = None,
    orgnr: str | None = None,
    current_year: int = 2024,
) -> GeneratedFile:
    """Generate a company and stream its current-year export to ``path``.

    ``transactions`` is the exact number of #TRANS lines in the file; the other keywords
    are those of :func:`generate_company`.
    """
    gen = generate_company(
        seed=seed,
        transactions_per_year=transactions,
        years=years,
        name=name,
        orgnr=orgnr,
        current_year=current_year,
    )
    target = Path(path)
    with SieWriter(target, sie_type=sie_type, checksum=checksum) as writer:
        writer.write_header(
            gen.header, accounts=gen.accounts, dimensions=gen.dimensions, objects=gen.objects
        )
        writer.write_items(gen.items())
    return GeneratedFile(
        target, gen.transaction_rows(0), gen.voucher_count(0), target.stat().st_size
    )
