"""Which REST handler answers a ``/crm`` path: exact list paths and ``{param}`` patterns, v1 and v2.

Register endpoints in :func:`build_rest_router`. A handler is ``async (request, **path_params) -> Response``
or a :class:`~.rest_v2.ListResource` (its ``handle(request)`` is used).
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from .dataset import Dataset
from .rest_v2 import CommissionProgramsResource, ContactsResource, ListResource

Handler = Callable[..., Awaitable[Response]]


class RestRouter:
    def __init__(self) -> None:
        self._exact: dict[str, Any] = {}
        self._patterns: list[tuple[re.Pattern, Any]] = []

    def add(self, path: str, handler: Any) -> None:
        """``path`` below /crm, e.g. ``/rest/v2/affiliates/{affiliate_id}:commissions``."""
        if "{" not in path:
            self._exact[path] = handler
            return
        regex = re.escape(path)
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/:]+)", regex)
        self._patterns.append((re.compile(f"^{regex}$"), handler))

    def match(self, path: str) -> tuple[Any, dict[str, str]] | None:
        if path in self._exact:
            return self._exact[path], {}
        for regex, handler in self._patterns:
            found = regex.match(path)
            if found:
                return handler, found.groupdict()
        return None

    @staticmethod
    async def call(handler: Any, request: Request, params: dict[str, str]) -> Response:
        if isinstance(handler, ListResource):
            return await handler.handle(request)
        return await handler(request, **params)


#: Domain modules with ``register(router, dataset)``; each adds its v2 and v1 endpoints.
DOMAIN_MODULES = ("rest_crm", "rest_ecommerce", "rest_affiliates")


def build_rest_router(dataset: Dataset) -> RestRouter:
    router = RestRouter()
    router.add("/rest/v2/contacts", ContactsResource(dataset))
    router.add("/rest/v2/affiliates/commissionPrograms", CommissionProgramsResource(dataset))
    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        module.register(router, dataset)
    return router
