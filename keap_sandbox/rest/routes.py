"""Which REST handler answers a ``/crm`` path: exact list paths and ``{param}`` patterns, v1 and v2.

Register endpoints in :func:`build_rest_router`. A handler is ``async (request, **path_params) -> Response``
or a :class:`~.v2.ListResource` (its ``handle(request)`` is used); list endpoints are declared as
:class:`~.listing.ListEndpoint` and routed by :func:`.listing.register`. Routes are GET unless registered
with ``methods=("POST",)`` etc.; a registered path called with another method answers 405.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ..data.dataset import Dataset
from . import affiliates, contacts, crm, ecommerce, v1_crm
from .listing import register as register_list
from .v2 import ListResource

Handler = Callable[..., Awaitable[Response]]


class RestRouter:
    """Routes by path, then by HTTP method: ``match`` gives every method's handler for a path, so the
    gateway can tell an unknown path (404 page) from a known path called with the wrong method (405)."""

    def __init__(self) -> None:
        self._exact: dict[str, dict[str, Any]] = {}
        self._patterns: list[tuple[re.Pattern, dict[str, Any]]] = []
        self._templates: dict[str, dict[str, Any]] = {}  # path template -> {method: handler}

    def add(self, path: str, handler: Any, methods: tuple[str, ...] = ("GET",)) -> None:
        """``path`` below /crm, e.g. ``/rest/v2/affiliates/{affiliate_id}:commissions``."""
        by_method = self._templates.get(path)
        if by_method is None:
            by_method = self._templates[path] = {}
            if "{" not in path:
                self._exact[path] = by_method
            else:
                regex = re.escape(path)
                regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/:]+)", regex)
                self._patterns.append((re.compile(f"^{regex}$"), by_method))
        for method in methods:
            by_method[method.upper()] = handler

    def match(self, path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
        """``({method: handler}, path params)`` for a registered path, else None."""
        if path in self._exact:
            return self._exact[path], {}
        for regex, by_method in self._patterns:
            found = regex.match(path)
            if found:
                return by_method, found.groupdict()
        return None

    def routes(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every registered path template with its methods, in registration order."""
        return [(path, tuple(by_method)) for path, by_method in self._templates.items()]

    @staticmethod
    async def call(handler: Any, request: Request, params: dict[str, str]) -> Response:
        if isinstance(handler, ListResource):
            return await handler.handle(request)
        return await handler(request, **params)


def build_rest_router(dataset: Dataset, keap_build: str | None = None) -> RestRouter:
    """Every REST endpoint: each domain module's ``register(router, dataset)`` adds its v2 and v1 routes.
    ``keap_build`` (``YYYY-MM`` or None for the current build) hides later features (see
    :mod:`keap_sandbox.builds`)."""
    router = RestRouter()
    contacts.register_list_endpoint(router, dataset, keap_build)
    register_list(router, dataset, affiliates.COMMISSION_PROGRAMS)
    for domain in (crm, v1_crm, ecommerce, affiliates):
        domain.register(router, dataset)
    return router
