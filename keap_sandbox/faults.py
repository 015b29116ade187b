"""Reproducible fault injection for the sandbox's ``/crm`` API (REST and XML-RPC alike).

A **rule** targets requests and says what goes wrong:

* ``target`` — a glob. Starting with ``/``: the path below ``/crm`` (``/rest/v2/contacts*``; a leading
  ``/crm`` is accepted and ignored), which also matches XML-RPC by its path ``/xmlrpc/v1``. Otherwise:
  an XML-RPC method name (``DataService.query``, ``SearchService.*``). ``*`` alone matches everything.
* either a **rate** (each matching call fails with that probability, drawn from a dedicated
  ``Random(f"{seed}:faults")`` stream, re-seeded whenever rules are installed, so the same requests in
  the same order see the same faults), or a **script** (the next calls get these outcomes in order —
  ``ok`` lets one through — then the rule is spent and calls succeed).

Fault kinds (a :class:`Fault`'s ``kind``; parameters in brackets):

=================  ======================================================================================
``db_too_long``    XML-RPC fault 4 ``[DatabaseError] Query took too long and was cancelled``
``db_blocked``     XML-RPC fault 4 ``[DatabaseError] Too many consecutive failures. This saved search is
                   blocked temporarily`` (the two strings Domo's connector retries, domo-reports.md)
``xmlrpc_fault``   any XML-RPC fault [``code``, ``message``]
``http_429``       429 [``body``: ``quota`` (current gateway JSON, default) | ``spike`` (Apigee spike
                   arrest) | ``apigee_quota``; ``retry_after``: seconds, sent as ``Retry-After``]
``http_500``/      5xx [``body``: ``json`` (500: v2 ``Error``; 502/503: Apigee gateway fault) | ``html``
``http_502``/      (Google front end's error page, which fronts Keap's Apigee)]
``http_503``
``slow``           answer normally after [``seconds``]
``timeout``        hold the request [``seconds``, default 60] — longer than a client's read timeout;
                   ``DELETE /sandbox/admin/faults`` releases held requests at once
``drop``           close the connection without a response (``requests``: ``ConnectionError`` from
                   ``RemoteDisconnected``)
``reset``          abort the connection (TCP RST; ``ConnectionError`` from ``ConnectionResetError``)
``truncated``      headers promise the whole body, half is sent, the connection closes
                   (``requests``: ``ChunkedEncodingError``, ``IncompleteRead`` underneath)
``garbled``        a complete 200 whose body is the real one cut in half (JSON/XML that does not parse)
``html``           a 200 HTML page instead of JSON / XML-RPC
``empty``          a 200 with an empty body (Keap's occasional blank XML-RPC answer)
``expired_token``  401 with the gateway's expired-token fault, even for a live token
``ok``             no fault (a script step)
=================  ======================================================================================

XML-RPC-only kinds (``db_*``, ``xmlrpc_fault``) never match REST requests.

**Spec string** (``--faults`` / ``KEAP_SANDBOX_FAULTS``): rules separated by ``;``::

    rule := target "=" step ("," step)* ["@" rate]
    step := kind (":" param)* ["*" times]

e.g. ``DataService.query=db_too_long*3,ok,db_blocked`` (script) or
``/rest/v2/contacts=http_503:html@0.1; *=slow:0.5@0.05`` (rates; a rated rule has one step). Params are
positional in the order listed above (``xmlrpc_fault:2:[InvalidKey]Invalid key``; the last one may
contain ``:``; none may contain ``,`` or ``;``).

**JSON** (``POST /sandbox/admin/faults``)::

    {"rules": [{"target": "DataService.query", "steps": [{"kind": "db_too_long", "times": 3}, "ok"]},
               {"target": "/rest/v2/contacts", "kind": "http_503", "body": "html", "rate": 0.2}],
     "seed": 7, "append": false}
"""

from __future__ import annotations

import asyncio
import fnmatch
import random
import re
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .auth import gateway_fault
from .quotas import QUOTA_EXCEEDED, apigee_quota_body, spike_arrest_body
from .xmlrpc.marshal import CONTENT_TYPE as XMLRPC_CONTENT_TYPE
from .xmlrpc.marshal import fault_response

DB_TOO_LONG = "[DatabaseError] Query took too long and was cancelled"
DB_BLOCKED = "[DatabaseError] Too many consecutive failures. This saved search is blocked temporarily"
DATABASE_ERROR_CODE = 4  # keap-xmlrpc.md §4

#: kind -> positional parameter names (spec string order) and their converters.
PARAMS: dict[str, tuple[tuple[str, Callable[[str], Any]], ...]] = {
    "ok": (), "db_too_long": (), "db_blocked": (), "drop": (), "reset": (), "truncated": (),
    "garbled": (), "html": (), "empty": (), "expired_token": (),
    "xmlrpc_fault": (("code", int), ("message", str)),
    "http_429": (("body", str), ("retry_after", float)),
    "http_500": (("body", str),), "http_502": (("body", str),), "http_503": (("body", str),),
    "slow": (("seconds", float),), "timeout": (("seconds", float),),
}
XMLRPC_ONLY = {"db_too_long", "db_blocked", "xmlrpc_fault"}
DEFAULT_HOLD_SECONDS = 60.0


@dataclass(frozen=True)
class Fault:
    kind: str
    params: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Any) -> "Fault":
        if isinstance(raw, str):
            raw = {"kind": raw}
        kind = raw.get("kind")
        if kind not in PARAMS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(PARAMS)}")
        allowed = {name: convert for name, convert in PARAMS[kind]}
        extra = set(raw) - set(allowed) - {"kind", "times", "target", "rate", "steps"}
        if extra:
            raise ValueError(f"fault {kind!r} takes {sorted(allowed) or 'no parameters'}, not {sorted(extra)}")
        return cls(kind, {name: allowed[name](raw[name]) for name in allowed if raw.get(name) is not None})

    def as_json(self) -> dict:
        return {"kind": self.kind, **self.params}


@dataclass
class FaultRule:
    target: str
    steps: list[Fault]  # a script (consumed) — or one fault, for a rated rule
    rate: float | None = None
    matched: int = 0
    injected: int = 0

    def matches(self, path: str, method: str | None) -> bool:
        if self.target == "*":
            return True
        if self.target.startswith("/"):
            return fnmatch.fnmatchcase(path, self.target)
        return method is not None and fnmatch.fnmatchcase(method, self.target)

    def applies_to(self, fault: Fault, method: str | None) -> bool:
        return method is not None or fault.kind not in XMLRPC_ONLY

    def as_json(self) -> dict:
        shape = {"target": self.target, "matched": self.matched, "injected": self.injected}
        if self.rate is not None:
            return {**shape, **self.steps[0].as_json(), "rate": self.rate}
        return {**shape, "remaining": [s.as_json() for s in self.steps]}


def rule_from_json(raw: dict) -> FaultRule:
    target = _normal_target(str(raw.get("target", "*")))
    rate = raw.get("rate")
    if "steps" in raw:
        if rate is not None:
            raise ValueError("a rule has either a rate or a script of steps, not both")
        steps = [fault for step in raw["steps"] for fault in _repeated(step)]
        return FaultRule(target, steps)
    fault = Fault.from_json(raw)
    if rate is None:  # one fault without a rate: a script of `times` (default 1) calls
        return FaultRule(target, [fault] * int(raw.get("times", 1)))
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be within [0, 1], got {rate}")
    return FaultRule(target, [fault], rate)


def _repeated(step: Any) -> list[Fault]:
    times = int(step.get("times", 1)) if isinstance(step, dict) else 1
    return [Fault.from_json(step)] * times


def _normal_target(target: str) -> str:
    target = target.strip()
    if target == "/crm" or target.startswith("/crm/"):
        target = target[len("/crm"):] or "/"
    return target


# --------------------------------------------------------------------------- spec strings

_TIMES = re.compile(r"^(.*)\*(\d+)$")


def parse_spec(spec: str) -> list[dict]:
    """The env/CLI spec string as the JSON rule list :func:`rule_from_json` takes."""
    rules = []
    for text in filter(None, (part.strip() for part in re.split(r"[;\n]", spec or ""))):
        target, sep, body = text.partition("=")
        if not sep or not body.strip():
            raise ValueError(f"fault rule {text!r} is not 'target=kind[...]'")
        body, rate = _split_rate(body.strip())
        steps = [_parse_step(step.strip()) for step in body.split(",")]
        if rate is None:
            rules.append({"target": target.strip(), "steps": steps})
        elif len(steps) != 1 or steps[0].get("times", 1) != 1:
            raise ValueError(f"a rated fault rule has exactly one step: {text!r}")
        else:
            rules.append({"target": target.strip(), **steps[0], "rate": rate})
    return rules


def _split_rate(body: str) -> tuple[str, float | None]:
    head, sep, tail = body.rpartition("@")
    if sep and re.fullmatch(r"\s*(0|1|0?\.\d+|1\.0+)\s*", tail):
        return head.strip(), float(tail)
    return body, None


def _parse_step(text: str) -> dict:
    times = 1
    found = _TIMES.match(text)
    if found:
        text, times = found.group(1), int(found.group(2))
    kind, _, rest = text.partition(":")
    kind = kind.strip()
    names = [name for name, _ in PARAMS.get(kind, ())]
    values = rest.split(":", max(0, len(names) - 1)) if rest else []
    if len(values) > len(names):
        raise ValueError(f"fault {kind!r} takes at most {len(names)} parameters: {text!r}")
    return {"kind": kind, **dict(zip(names, values)), **({"times": times} if times != 1 else {})}


# --------------------------------------------------------------------------- the injector


class FaultInjector:
    """The installed rules and their counters; ``pick`` decides, :func:`apply_fault` acts."""

    def __init__(self, seed: int, spec: str = ""):
        self.seed = seed
        self._lock = threading.Lock()
        self._release: asyncio.Event | None = None
        self.install(parse_spec(spec))

    def install(self, rules: list[dict], *, seed: int | None = None, append: bool = False) -> None:
        built = [rule_from_json(raw) for raw in rules]  # validate everything before changing anything
        with self._lock:
            if not append:
                self.rules: list[FaultRule] = []
                self.injected: Counter[str] = Counter()
                self.random = random.Random(f"{self.seed if seed is None else seed}:faults")
            self.rules.extend(built)

    def clear(self) -> None:
        self.install([])
        self.release_held()

    def pick(self, path: str, method: str | None) -> Fault | None:
        """The fault for this request, if any; the first rule that fires wins."""
        with self._lock:
            for rule in self.rules:
                fault = self._fire_locked(rule, path, method)
                if fault is not None:
                    if fault.kind == "ok":
                        return None  # a scripted "ok" step lets this call through
                    rule.injected += 1
                    self.injected[fault.kind] += 1
                    return fault
            return None

    def _fire_locked(self, rule: FaultRule, path: str, method: str | None) -> Fault | None:
        if not rule.matches(path, method) or (rule.steps and not rule.applies_to(rule.steps[0], method)):
            return None
        rule.matched += 1  # also once a script is spent: "matched" = every call the rule saw
        if not rule.steps:
            return None
        if rule.rate is None:
            return rule.steps.pop(0)
        return rule.steps[0] if self.random.random() < rule.rate else None

    def snapshot(self) -> dict:
        with self._lock:
            return {"seed": self.seed, "rules": [rule.as_json() for rule in self.rules],
                    "injected": dict(self.injected)}

    # held requests (``timeout``) wait on an event the admin DELETE sets
    async def hold(self, seconds: float) -> None:
        if self._release is None or self._release.is_set():
            self._release = asyncio.Event()
        try:
            await asyncio.wait_for(self._release.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    def release_held(self) -> None:
        if self._release is not None:
            self._release.set()


def xmlrpc_method_of(body: bytes) -> str | None:
    """The ``methodName`` of an XML-RPC call, read cheaply (the full parse happens in the handler)."""
    found = re.search(rb"<methodName>\s*([^<\s]+)\s*</methodName>", body[:4096])
    return found.group(1).decode("utf-8", "replace") if found else None


# --------------------------------------------------------------------------- acting out a fault

# Google front end's error page (Keap's Apigee sits behind it); one template per status.
_GFE_PAGE = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error {status} ({title})!!1</title>
  <p><b>{status}.</b> <ins>That's an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.
  <p>Please try again in 30 seconds.  <ins>That's all we know.</ins>
"""
_HTML_TITLES = {500: "Server Error", 502: "Server Error", 503: "Service Unavailable"}
_APIGEE_5XX = {
    502: ("Unexpected EOF at target", "messaging.adaptors.http.flow.UnexpectedEOFAtTarget"),
    503: ("The Service is temporarily unavailable", "messaging.adaptors.http.flow.ServiceUnavailable"),
}
# A 200 that is not the API at all (what a client gets from a captive portal or a maintenance page).
MAINTENANCE_HTML = """<!DOCTYPE html>
<html><head><title>Keap - Scheduled Maintenance</title></head>
<body><h1>We'll be back shortly</h1><p>Keap is undergoing scheduled maintenance.</p></body></html>
"""


def server_error(status: int, body: str = "json") -> Response:
    if body == "html":
        return HTMLResponse(_GFE_PAGE.format(status=status, title=_HTML_TITLES[status]), status_code=status)
    if status in _APIGEE_5XX:
        faultstring, errorcode = _APIGEE_5XX[status]
        return JSONResponse({"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}},
                            status_code=status)
    return JSONResponse({"code": 500, "message": "Internal Server Error", "status": "INTERNAL",
                         "details": [{"domain": "", "resource": ""}]}, status_code=500)


def too_many_requests(body: str = "quota", retry_after: float | None = None) -> Response:
    bodies = {"quota": QUOTA_EXCEEDED, "spike": spike_arrest_body(10), "apigee_quota": apigee_quota_body("_default")}
    if body not in bodies:
        raise ValueError(f"http_429 body must be one of {sorted(bodies)}")
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return JSONResponse(bodies[body], status_code=429, headers=headers)


def _transport(scope) -> Any:
    """The connection's asyncio transport: uvicorn's ``send`` is a bound method of the request cycle."""
    raw_send = scope.get("sandbox.raw_send")
    return getattr(getattr(raw_send, "__self__", None), "transport", None)


def _linger_zero(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class DroppedConnection(Response):
    """Closes (or aborts) the connection instead of answering."""

    def __init__(self, abort: bool = False):
        super().__init__(b"")
        self.abort = abort

    async def __call__(self, scope, receive, send) -> None:
        transport = _transport(scope)
        if transport is None:
            raise RuntimeError("dropping a connection needs uvicorn's transport")
        if self.abort:
            _linger_zero(transport)  # close() now sends RST: the client reads ECONNRESET
        transport.close()
        await asyncio.sleep(0)  # let uvicorn see the disconnect, so it does not write a 500


class TruncatedBody(Response):
    """Sends the full ``Content-Length`` and half the body, then closes the connection."""

    def __init__(self, inner: Response):
        super().__init__(b"")
        self.inner = inner

    async def __call__(self, scope, receive, send) -> None:
        body = bytes(self.inner.body)
        await send({"type": "http.response.start", "status": self.inner.status_code,
                    "headers": self.inner.raw_headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        transport = _transport(scope)
        if transport is not None:
            transport.close()
            await asyncio.sleep(0)


def garbled(inner: Response) -> Response:
    body = bytes(inner.body)
    return Response(body[: len(body) // 2], status_code=inner.status_code,
                    media_type=inner.headers.get("content-type"))


async def apply_fault(fault: Fault, injector: FaultInjector, request: Request, is_xmlrpc: bool,
                      call_next: Callable[[], Awaitable[Response]]) -> Response:
    """The response ``fault`` produces; ``call_next`` runs the real handler when the fault needs it."""
    p, kind = fault.params, fault.kind
    if kind == "db_too_long":
        return fault_response(DATABASE_ERROR_CODE, DB_TOO_LONG)
    if kind == "db_blocked":
        return fault_response(DATABASE_ERROR_CODE, DB_BLOCKED)
    if kind == "xmlrpc_fault":
        return fault_response(p.get("code", 3), p.get("message", "[Unexpected]Unexpected error"))
    if kind == "http_429":
        return too_many_requests(p.get("body", "quota"), p.get("retry_after"))
    if kind.startswith("http_5"):
        return server_error(int(kind[5:]), p.get("body", "json"))
    if kind == "expired_token":
        return gateway_fault("expired")
    if kind in ("drop", "reset"):
        return DroppedConnection(abort=kind == "reset")
    if kind == "html":
        return HTMLResponse(MAINTENANCE_HTML)
    if kind == "empty":
        # Set as a header: `media_type` would add Starlette's `; charset=utf-8`, not Keap's form.
        return Response(b"", headers={"content-type": XMLRPC_CONTENT_TYPE if is_xmlrpc else "application/json"})
    if kind == "slow":
        await asyncio.sleep(p.get("seconds", 1.0))
    elif kind == "timeout":
        await injector.hold(p.get("seconds", DEFAULT_HOLD_SECONDS))
    response = await call_next()
    if kind == "truncated":
        return TruncatedBody(response)
    if kind == "garbled":
        return garbled(response)
    return response
