"""The catalogue of data areas a sync can cover: labels (Swedish, translated) and Fortnox scopes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """One data area of a client's Fortnox bookkeeping that a sync can fetch."""

    COMPANY_INFO = "company_info", _("Företagsinformation")
    FINANCIAL_YEARS = "financial_years", _("Räkenskapsår")
    CHART_OF_ACCOUNTS = "chart_of_accounts", _("Kontoplan")
    BALANCES = "balances", _("Ingående och utgående balanser")
    PERIOD_BALANCES = "period_balances", _("Periodsaldon")
    VOUCHERS = "vouchers", _("Verifikationer")
    VOUCHER_SERIES = "voucher_series", _("Verifikationsserier")
    COST_CENTRES = "cost_centres", _("Kostnadsställen")
    PROJECTS = "projects", _("Projekt")
    CUSTOMERS = "customers", _("Kunder")
    SUPPLIERS = "suppliers", _("Leverantörer")
    CUSTOMER_INVOICES = "customer_invoices", _("Kundfakturor")
    SUPPLIER_INVOICES = "supplier_invoices", _("Leverantörsfakturor")
    FIXED_ASSETS = "fixed_assets", _("Anläggningstillgångar")
    LOCKED_PERIOD = "locked_period", _("Låst period")


#: The Fortnox OAuth scope (and licence) each area's endpoints require.
AREA_SCOPES: dict[Area, str] = {
    Area.COMPANY_INFO: "companyinformation",
    Area.FINANCIAL_YEARS: "bookkeeping",
    Area.CHART_OF_ACCOUNTS: "bookkeeping",
    Area.BALANCES: "bookkeeping",
    Area.PERIOD_BALANCES: "bookkeeping",
    Area.VOUCHERS: "bookkeeping",
    Area.VOUCHER_SERIES: "bookkeeping",
    Area.COST_CENTRES: "costcenter",
    Area.PROJECTS: "project",
    Area.CUSTOMERS: "customer",
    Area.SUPPLIERS: "supplier",
    Area.CUSTOMER_INVOICES: "invoice",
    Area.SUPPLIER_INVOICES: "supplierinvoice",
    Area.FIXED_ASSETS: "assets",
    Area.LOCKED_PERIOD: "settings",
}

#: Every scope bokslut asks for at consent; Fortnox grants only what the company is licensed for.
REQUESTED_SCOPES: tuple[str, ...] = tuple(dict.fromkeys(AREA_SCOPES.values()))

#: The areas that make up the bookkeeping itself (the smallest plan).
BOOKKEEPING_AREAS: tuple[Area, ...] = (
    Area.COMPANY_INFO,
    Area.FINANCIAL_YEARS,
    Area.CHART_OF_ACCOUNTS,
    Area.BALANCES,
    Area.PERIOD_BALANCES,
    Area.VOUCHERS,
    Area.VOUCHER_SERIES,
    Area.COST_CENTRES,
    Area.LOCKED_PERIOD,
)

LEDGER_AREAS: tuple[Area, ...] = (
    Area.CUSTOMERS,
    Area.SUPPLIERS,
    Area.CUSTOMER_INVOICES,
    Area.SUPPLIER_INVOICES,
)


def scope_for(area: Area) -> str:
    """The Fortnox scope ``area`` needs."""
    return AREA_SCOPES[area]
