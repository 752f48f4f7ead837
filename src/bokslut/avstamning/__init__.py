"""Avstämning: automatic checks, account-by-account reconciliation against underlag, reports.

People's work here (reconciliations, underlag, comments, attachments, sign-offs) refers
to synced data by stable keys only — client, year start, account number, period end,
voucher series + number — so no sync can delete or rewrite it.
"""
