"""Signals others subscribe to (notifications, audit) without this app knowing them."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent once per transition with ``connection``, ``old_status`` and ``new_status``: the
#: notifier reacts to ``behover_godkannas`` without being told again on every retry.
connection_status_changed = Signal()
