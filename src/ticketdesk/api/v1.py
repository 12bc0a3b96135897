"""Version 1 of the REST API: one NinjaAPI, its routers, auth and error format."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors
from .auth import SessionAuth, TokenAuth
from .routers import customers, tickets, workspace

DESCRIPTION = """\
The helpdesk's REST API. Every write goes through the same services as the agent UI:
events, SLA targets, notification mail and the change history follow.

**Auth**: a personal token from your profile page as `Authorization: Bearer td_…`, or the
signed-in browser session (unsafe methods then need the `X-CSRFToken` header). Read-only
users read; agents and administrators write.

**Errors** share one shape: `{"error": {"code", "message", "fields"}}`. 400 bad input, 401
no or bad token, 403 not allowed, 404 not found or not visible, 409 a stale
`expected_version` or a lost accept race (the message names the winner), 429 the token's
rate limit (see `Retry-After`).

**Pages** carry `next_cursor`; pass it as `?cursor=` for the next page. Nothing is counted.
"""

api = NinjaAPI(
    title="Ticketdesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", tickets.router)
api.add_router("", customers.router)
api.add_router("", workspace.router)
