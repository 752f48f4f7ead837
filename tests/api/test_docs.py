"""The API documents itself at /api/docs from /api/openapi.json, with Swagger UI served locally."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db


def test_docs_page_is_served_with_local_swagger_files() -> None:
    response = HttpClient().get("/api/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/openapi.json" in page
    assert "cdn." not in page  # no third-party CDN: the page works offline and leaks nothing


def test_schema_describes_bearer_tokens_and_string_amounts() -> None:
    schema = HttpClient().get("/api/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    row = schema["components"]["schemas"]["TrialBalanceRowOut"]["properties"]
    assert row["closing"]["type"] == "string"
    assert row["closing"]["pattern"] == r"^-?\d+\.\d{2}$"
