"""Audit log: who connected, disconnected, synced, changed settings or signed in, and when."""
