"""Talking to Keap. No Dagster imports here: this package is usable as a plain Python client."""

from .auth import ApiKeyCredentials, OAuthCredentials, TokenSet, TokenStore
from .client import DEFAULT_API_URL, CallStats, KeapClient, RetrySettings
from .errors import (AuthError, FatalError, KeapError, QueryTooLong, QuotaExhausted, SavedSearchBlocked,
                     Throttled, TransientError)

__all__ = [
    "ApiKeyCredentials", "OAuthCredentials", "TokenSet", "TokenStore", "DEFAULT_API_URL", "CallStats",
    "KeapClient", "RetrySettings", "AuthError", "FatalError", "KeapError", "QueryTooLong", "QuotaExhausted",
    "SavedSearchBlocked", "Throttled", "TransientError",
]
