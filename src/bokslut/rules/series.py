"""Gaps and duplicates in voucher series."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bokslut.rules._data import VoucherNumber
from bokslut.rules._result import CheckResult, Finding, Status

__all__ = ["check_voucher_series"]

MAX_FINDINGS = 200


def _ranges(missing: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for n in missing:
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return ranges


def check_voucher_series(
    numbers: Iterable[VoucherNumber], *, first_number: int | None = 1
) -> CheckResult:
    """Each series is numbered without gaps or duplicates.

    Numbers are compared by ``number_sort`` (so ``"007"`` and ``"7"`` are duplicates);
    vouchers without a numeric number are not part of any sequence. ``first_number`` is
    where each series should start (None: wherever its lowest number is).
    """
    by_series: dict[str, list[int]] = defaultdict(list)
    checked = 0
    for voucher in numbers:
        checked += 1
        if voucher.number_sort is not None:
            by_series[voucher.series].append(voucher.number_sort)
    findings: list[Finding] = []
    gap_count = duplicate_count = 0
    for series in sorted(by_series):
        values = sorted(by_series[series])
        start = values[0] if first_number is None else min(first_number, values[0])
        previous = start - 1
        missing: list[int] = []
        for value in values:
            if value == previous:
                duplicate_count += 1
                if len(findings) < MAX_FINDINGS:
                    findings.append(
                        Finding(
                            f"{series} {value}",
                            f"Serie {series}: nummer {value} förekommer flera gånger.",
                            cause="duplicate",
                        )
                    )
                continue
            # Ranges, not single numbers: a deleted batch can be thousands long.
            if value > previous + 1:
                missing.extend(range(previous + 1, value))
            previous = value
        for low, high in _ranges(missing):
            gap_count += high - low + 1
            if len(findings) < MAX_FINDINGS:
                span = f"{low}" if low == high else f"{low}–{high}"
                findings.append(
                    Finding(
                        f"{series} {span}",
                        f"Serie {series}: nummer {span} saknas.",
                        cause="gap",
                    )
                )
    problems = gap_count + duplicate_count
    return CheckResult(
        code="voucher_series",
        title="Inga luckor eller dubbletter i verifikationsserierna",
        status=Status.FAIL if problems else Status.OK,
        summary=(
            f"{gap_count} saknade och {duplicate_count} dubbla verifikationsnummer."
            if problems
            else f"{len(by_series)} serier med {checked} verifikationer utan luckor."
        ),
        explanation=(
            "Verifikationer ska numreras i en obruten följd per serie. En lucka betyder att "
            "en verifikation saknas i synken eller har raderats i källan — synka med "
            "fullständig jämförelse och dokumentera orsaken om numret medvetet hoppats över. "
            "En dubblett kommer oftast från en import av samma verifikationer två gånger."
        ),
        findings=tuple(findings),
        checked=checked,
    )
