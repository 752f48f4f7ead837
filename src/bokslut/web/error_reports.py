"""What Django's error pages (DEBUG) and error mails may show of a request.

Both render through the exception reporter filter named in
``settings.DEFAULT_EXCEPTION_REPORTER_FILTER``. Django's own filter hides settings, request
headers and cookies whose names look secret (``HTTP_AUTHORIZATION``, the session and CSRF
cookies), and local variables only in functions decorated with ``sensitive_variables``. An
error report from bokslut must never carry anything that lets its reader act as the user or
the firm, so this filter also hides every cookie whatever its name, local variables named
like a secret (``access_token``, ``session``), and database and Redis URLs, which carry
passwords (the development server's ``request.META`` includes the environment).
"""

from __future__ import annotations

import re
from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

__all__ = ["BokslutExceptionReporterFilter"]


class BokslutExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus every cookie and the local variables named like a secret."""

    # Django's names, plus cookies, sessions, CSRF, Fernet keys and URLs that may carry a
    # password. Matched against settings, request.META keys and local variable names.
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|SESSION|CSRF|FERNET|"
        "DATABASE_URL|REDIS_URL|DSN",
        flags=re.IGNORECASE,
    )

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        """Every cookie's value hidden: session, CSRF and messages alike."""
        if not hasattr(request, "COOKIES"):
            return {}
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> Any:
        """Local variables named like a secret (``access_token``, ``session``) are hidden.

        Django hides locals only in functions decorated with ``sensitive_variables``; a
        name-based rule covers the integration code without decorating every function.
        """
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if self._secret_name(name) else value)
            for name, value in variables
        ]

    def _secret_name(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.hidden_settings.search(name))
