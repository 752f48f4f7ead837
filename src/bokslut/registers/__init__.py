"""Registers synced beside the ledger: customers, suppliers, invoices, assets, series, locked period."""
