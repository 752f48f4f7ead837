"""Which balance-sheet accounts a fixed-asset group is booked on, and the register per account.

Pure (no Django): the selectors feed it synced :class:`bokslut.registers.models.Asset` rows.

A Fortnox asset type (``GET /3/assets/types``) names the account for the acquisition value
(``AccountAsset``) and the one for accumulated depreciation (``AccountValueLoss``; its
``AccountDepreciation`` is the cost account, 78xx). When the types are not known, a group
is mapped by its name to the BAS accounts below (:data:`DEFAULT_GROUP_ACCOUNTS`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_GROUP_ACCOUNTS",
    "AccountRegister",
    "AssetAccounts",
    "RegisterAsset",
    "accounts_for_group",
    "accounts_for_type",
    "register_by_account",
]


@dataclass(frozen=True)
class AssetAccounts:
    """The account of an asset group's acquisition value and of its accumulated depreciation."""

    acquisition: str
    depreciation: str


#: BAS defaults, by how the words of the group's name begin (checked in this order,
#: case-insensitively, so "Bilar" is a car and "Mobiltelefoner" is not):
#: 1010/1019 balanserade utgifter, 1070/1079 goodwill, 1110/1119 byggnader,
#: 1120/1129 förbättringsutgifter på annans fastighet, 1150/1159 markanläggningar,
#: 1210/1219 maskiner, 1250/1259 datorer, 1240/1249 bilar, 1220/1229 inventarier.
DEFAULT_GROUP_ACCOUNTS: tuple[tuple[tuple[str, ...], AssetAccounts], ...] = (
    (("balanserade utgifter", "utvecklingsutgift"), AssetAccounts("1010", "1019")),
    (("goodwill",), AssetAccounts("1070", "1079")),
    (("förbättringsutgift", "annans fastighet"), AssetAccounts("1120", "1129")),
    (("byggnad", "fastighet"), AssetAccounts("1110", "1119")),
    (("markanläggning",), AssetAccounts("1150", "1159")),
    (("maskin", "tekniska anläggningar"), AssetAccounts("1210", "1219")),
    (("dator",), AssetAccounts("1250", "1259")),
    (("bil", "personbil", "lastbil", "transportmedel", "fordon"), AssetAccounts("1240", "1249")),
    (("inventarie", "verktyg", "möbler"), AssetAccounts("1220", "1229")),
)


def _account(value: object) -> str | None:
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    return text if len(text) == 4 and text.isdigit() else None


def accounts_for_type(asset_type: Mapping[str, object]) -> AssetAccounts | None:
    """The accounts of a Fortnox asset type (an element of ``GET /3/assets/types``).

    The accumulated depreciation is whichever of ``AccountValueLoss`` and
    ``AccountDepreciation`` is a balance-sheet account: published client libraries
    disagree on which field holds it, the BAS class does not.
    """
    acquisition = _account(asset_type.get("AccountAsset"))
    if acquisition is None:
        return None
    for key in ("AccountValueLoss", "AccountDepreciation"):
        found = _account(asset_type.get(key))
        if found is not None and found[0] == "1" and found != acquisition:
            return AssetAccounts(acquisition, found)
    return None


def accounts_for_group(
    group: str, types: Mapping[str, AssetAccounts] | None = None
) -> AssetAccounts | None:
    """The accounts of ``group``: from the synced asset types, else by its name (BAS)."""
    if types and group in types:
        return types[group]
    name = " " + " ".join(re.findall(r"\w+", group.casefold()))
    for starts, accounts in DEFAULT_GROUP_ACCOUNTS:
        if any(" " + start in name for start in starts):
            return accounts
    return None


@dataclass(frozen=True)
class RegisterAsset:
    """One asset of the register, amounts in öre (None where Fortnox gave none)."""

    group: str
    acquired: dt.date | None
    acquisition_ore: int | None
    depreciated_ore: int | None


@dataclass
class AccountRegister:
    """What the register says an account should hold: signed like the ledger (credit −)."""

    account: str
    amount_ore: int = 0
    assets: int = 0
    groups: set[str] = field(default_factory=set)


def register_by_account(
    assets: Iterable[RegisterAsset],
    *,
    at: dt.date,
    depreciation_known: bool,
    types: Mapping[str, AssetAccounts] | None = None,
) -> tuple[dict[str, AccountRegister], set[str]]:
    """The register's balance per account at ``at``, and the groups no account was found for.

    Acquisition values count for assets acquired on or before ``at`` (an undated asset
    always counts). Fortnox gives only today's depreciation, so the depreciation accounts
    are filled only when ``depreciation_known`` says the register's figures hold at ``at``.
    """
    found: dict[str, AccountRegister] = {}
    unmapped: set[str] = set()
    for asset in assets:
        accounts = accounts_for_group(asset.group, types)
        if accounts is None:
            unmapped.add(asset.group)
            continue
        if asset.acquired is not None and asset.acquired > at:
            continue
        parts = [(accounts.acquisition, asset.acquisition_ore or 0)]
        if depreciation_known:
            parts.append((accounts.depreciation, -(asset.depreciated_ore or 0)))
        for account, amount in parts:
            row = found.setdefault(account, AccountRegister(account))
            row.amount_ore += amount
            row.assets += 1
            row.groups.add(asset.group)
    return found, unmapped
