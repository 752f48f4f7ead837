"""Fortnox connections: OAuth consent, encrypted tokens, status, sync settings and plans."""
