"""Type stub of the optional C accelerator built from ``_speedups.c``."""

from datetime import date
from decimal import Decimal

from bokslut.sie.model import ObjectRef, RowKind, Voucher, VoucherRow

def configure(
    row_type: type[VoucherRow],
    row_slots: tuple[str, ...],
    voucher_type: type[Voucher],
    voucher_slots: tuple[str, ...],
    normal_kind: RowKind,
    decimal: type[Decimal],
    /,
) -> None: ...
def scan_lines(
    lines: list[str],
    clean: bool,
    first_lineno: int,
    date_cache: dict[str, date],
    refs_cache: dict[str, tuple[ObjectRef, ...]],
    refs_limit: int,
    /,
) -> list[str | Voucher]: ...
