"""A Fortnox API v3 client: OAuth2, rate limiting, retries, paging and typed models.

Pure (no Django). The public surface is re-exported here; the modules beginning with
an underscore are private.

>>> from bokslut.fortnox import FortnoxClient, InMemoryTokenStore, TokenSet
>>> client = FortnoxClient(token_store=InMemoryTokenStore(TokenSet("access", "refresh")))
>>> client.stats.total().requests
0
"""

from bokslut.fortnox._accounting import EndpointStats, RequestStats
from bokslut.fortnox._client import DEFAULT_API_URL, FortnoxClient
from bokslut.fortnox._errors import (
    FortnoxError,
    FortnoxUnavailable,
    InvalidClient,
    LicenceMissing,
    NeedsReauthorization,
    NotFound,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    ValidationError,
    VoucherOutcomeUnknown,
    error_from_response,
)
from bokslut.fortnox._ledger import (
    Account,
    CompanyInformation,
    FinancialYear,
    LockedPeriod,
    Voucher,
    VoucherRow,
    VoucherSeries,
    VoucherSummary,
)
from bokslut.fortnox._oauth import DEFAULT_OAUTH_URL, DEFAULT_SCOPES, FortnoxOAuth
from bokslut.fortnox._ratelimit import (
    DEFAULT_LIMITS,
    FileRateLimiter,
    InMemoryRateLimiter,
    RateLimit,
    RateLimiter,
    RedisRateLimiter,
)
from bokslut.fortnox._registers import (
    Asset,
    CostCenter,
    Customer,
    Invoice,
    Project,
    Supplier,
    SupplierInvoice,
    SupplierInvoiceRow,
)
from bokslut.fortnox._retry import RetryPolicy
from bokslut.fortnox._tokens import (
    FileTokenStore,
    InMemoryTokenStore,
    RedisTokenStore,
    TokenSet,
    TokenStore,
)
from bokslut.fortnox._vouchers import VoucherDraft, VoucherDraftRow

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_OAUTH_URL",
    "DEFAULT_SCOPES",
    "Account",
    "Asset",
    "CompanyInformation",
    "CostCenter",
    "Customer",
    "EndpointStats",
    "FileRateLimiter",
    "FileTokenStore",
    "FinancialYear",
    "FortnoxClient",
    "FortnoxError",
    "FortnoxOAuth",
    "FortnoxUnavailable",
    "InMemoryRateLimiter",
    "InMemoryTokenStore",
    "InvalidClient",
    "Invoice",
    "LicenceMissing",
    "LockedPeriod",
    "NeedsReauthorization",
    "NotFound",
    "Project",
    "RateLimit",
    "RateLimited",
    "RateLimiter",
    "RedisRateLimiter",
    "RedisTokenStore",
    "RequestStats",
    "RetryPolicy",
    "ServerError",
    "Supplier",
    "SupplierInvoice",
    "SupplierInvoiceRow",
    "TokenSet",
    "TokenStore",
    "UnexpectedResponse",
    "ValidationError",
    "Voucher",
    "VoucherDraft",
    "VoucherDraftRow",
    "VoucherOutcomeUnknown",
    "VoucherRow",
    "VoucherSeries",
    "VoucherSummary",
    "error_from_response",
]
