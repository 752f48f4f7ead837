"""The ledger store: a client's bookkeeping per financial year, exact to the öre."""
