"""Firms (accounting firms or companies using bokslut) and their client companies."""
