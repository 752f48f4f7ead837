"""Sign-in and sign-out. Lockout after repeated failures is django-axes' (see settings)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from bokslut.web.help import PAGE_HELP


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in user goes straight to Klienter."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The form, plus the page's help text."""
        return {**super().get_context_data(**kwargs), "help": PAGE_HELP["clients"]}


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, so a link in a mail cannot sign anyone out)."""
