"""Registers synced beside the ledger.

Customers, suppliers, invoices, assets, voucher series and the locked period.
"""
