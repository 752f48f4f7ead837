"""The sync engine.

Plans, fetches and writes a client's Fortnox bookkeeping, one year per transaction.
"""
