"""Talking to Keap. No Dagster imports here: this package is usable as a plain Python client."""

from .auth import ApiKeyCredentials, OAuthCredentials, TokenSet, TokenStore
from .client import DEFAULT_API_URL, V2_PAGE_SIZE_LIMITS, CallStats, KeapClient, RetrySettings, v2_page_size
from .errors import (AuthError, ConnectFailed, FatalError, KeapError, NotKeap, QueryTooLong, QuotaExhausted,
                     SavedSearchBlocked, Throttled, TransientError, Unreachable, XmlRpcShutDown)

__all__ = [
    "ApiKeyCredentials", "OAuthCredentials", "TokenSet", "TokenStore", "DEFAULT_API_URL", "CallStats",
    "KeapClient", "RetrySettings", "V2_PAGE_SIZE_LIMITS", "v2_page_size", "AuthError", "ConnectFailed",
    "FatalError", "KeapError", "NotKeap", "QueryTooLong", "QuotaExhausted", "SavedSearchBlocked", "Throttled",
    "TransientError", "Unreachable", "XmlRpcShutDown",
]
