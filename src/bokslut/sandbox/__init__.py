"""A faithful Fortnox API v3 server for the demo, the tests and the benchmarks.

Pure library (standard-library HTTP server, no Django). Start one with :func:`run_in_thread`
or from the command line with ``bokslut sandbox`` (:func:`main`).
"""

from bokslut.sandbox.cli import main
from bokslut.sandbox.clock import Clock, ManualClock, SystemClock
from bokslut.sandbox.demo import demo_company, demo_document, large_company, new_company
from bokslut.sandbox.errors import ErrorStyle
from bokslut.sandbox.faults import FaultConfig
from bokslut.sandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, OAuthClient
from bokslut.sandbox.seed import apply_extras, company_from_document, company_from_documents
from bokslut.sandbox.server import RunningSandbox, Sandbox, SandboxOptions, run_in_thread
from bokslut.sandbox.store import Company

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "Clock",
    "Company",
    "ErrorStyle",
    "FaultConfig",
    "ManualClock",
    "OAuthClient",
    "RunningSandbox",
    "Sandbox",
    "SandboxOptions",
    "SystemClock",
    "apply_extras",
    "company_from_document",
    "company_from_documents",
    "demo_company",
    "demo_document",
    "large_company",
    "main",
    "new_company",
    "run_in_thread",
]
