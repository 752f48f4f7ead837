"""Automatisering: background tasks, the scheduler, per-client sync locks and notifications."""
