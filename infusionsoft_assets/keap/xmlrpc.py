"""Keap's legacy XML-RPC API over the client's ``requests`` session: marshalling and fault classes.

The standard library's ``xmlrpc.client`` marshals and parses; :class:`~.client.KeapClient` sends the
body with the same credentials, pacing, retries and statistics as REST. Faults map onto the one error
taxonomy (keap-xmlrpc.md §4): the two ``[DatabaseError]`` messages Domo retries get their own classes
(step schedules in :mod:`.retry`), credentials faults are auth errors, transient-looking ones are
transient, everything else is fatal and named with the method.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

import requests

from .errors import AuthError, FatalError, KeapError, QueryTooLong, SavedSearchBlocked, TransientError

XMLRPC_PATH = "/crm/xmlrpc/v1"
#: Every call's first parameter is the legacy key slot; with a header credential Keap ignores its value.
KEY_PLACEHOLDER = "privateKey"
MAX_QUERY_LIMIT = 1000
_TRANSIENT_TAGS = ("[Unexpected]",)
_AUTH_TAGS = ("[InvalidKey]", "[InvalidConfig]", "[FailedLoginAttempt")


def request_body(method: str, params: tuple) -> bytes:
    return xmlrpc.client.dumps((KEY_PLACEHOLDER, *params), methodname=method, allow_none=False).encode()


def classify_fault(fault: xmlrpc.client.Fault, method: str) -> KeapError:
    text = str(fault.faultString)
    where = f"XML-RPC {method}"
    if "Query took too long" in text:
        return QueryTooLong(f"{text} ({where})", path=method)
    if "saved search is blocked temporarily" in text:
        return SavedSearchBlocked(f"{text} ({where})", path=method)
    if text.startswith(_AUTH_TAGS):
        return AuthError(f"Keap refused the credentials for {where}: {text}", path=method)
    if text.startswith(_TRANSIENT_TAGS) or "ThrottlingException" in text or text.startswith("[DatabaseError]"):
        return TransientError(f"{where} failed: {text}", path=method)
    return FatalError(f"Keap XML-RPC fault {fault.faultCode} for {where}: {text}", path=method)


def decode_response(response: requests.Response, method: str) -> Any:
    """The call's result, or the typed error its fault (or an unparsable body) stands for."""
    if not response.content.strip():
        raise TransientError(f"Keap sent an empty body for XML-RPC {method}", path=method)
    try:
        (result,), _ = xmlrpc.client.loads(response.content, use_datetime=True)
    except xmlrpc.client.Fault as fault:
        raise classify_fault(fault, method) from None
    except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError):
        raise TransientError(f"Keap sent a body that is not XML-RPC for {method}", path=method) from None
    return result
