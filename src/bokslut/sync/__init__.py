"""The sync engine: plans, fetches and writes a client's Fortnox bookkeeping, one year per transaction."""
