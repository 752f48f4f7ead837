"""Automatic checks of a client's year: pure rules over plain aggregates of the ledger.

No Django here: the avstämning app feeds these functions with SQL aggregates (integer
öre) and persists the :class:`CheckResult` each returns. Every result carries a Swedish
summary, findings with a stable cause code, and advice on what to do.

>>> from bokslut.rules import AccountTotal, check_trial_balance
>>> check_trial_balance([AccountTotal("1930", 100), AccountTotal("2081", -100)]).passed
True
"""

from bokslut.rules._data import (
    AccountTotal,
    OpenItem,
    Posting,
    VoucherNumber,
    VoucherTotal,
    is_balance_account,
)
from bokslut.rules._result import CheckResult, Finding, Status
from bokslut.rules.fortnox import check_fortnox_balances, choose_sample
from bokslut.rules.ledger import (
    check_closing_balances,
    check_trial_balance,
    check_vouchers_balance,
    check_year_result,
)
from bokslut.rules.opening import check_opening_balances
from bokslut.rules.postings import check_inactive_accounts, check_locked_period
from bokslut.rules.series import check_voucher_series
from bokslut.rules.subledgers import check_customer_ledger, check_supplier_ledger

__all__ = [
    "CHECK_ORDER",
    "AccountTotal",
    "CheckResult",
    "Finding",
    "OpenItem",
    "Posting",
    "Status",
    "VoucherNumber",
    "VoucherTotal",
    "check_closing_balances",
    "check_customer_ledger",
    "check_fortnox_balances",
    "check_inactive_accounts",
    "check_locked_period",
    "check_opening_balances",
    "check_supplier_ledger",
    "check_trial_balance",
    "check_voucher_series",
    "check_vouchers_balance",
    "check_year_result",
    "choose_sample",
    "is_balance_account",
]

#: The order checks are shown in: the ledger's own arithmetic first, then comparisons.
CHECK_ORDER = (
    "trial_balance",
    "vouchers_balance",
    "closing_balances",
    "year_result",
    "opening_balances",
    "fortnox_balances",
    "customer_ledger",
    "supplier_ledger",
    "voucher_series",
    "locked_period",
    "inactive_accounts",
)
