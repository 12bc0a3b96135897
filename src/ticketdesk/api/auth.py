"""Who is calling: a personal token (Authorization: Bearer) or the UI's own session (with CSRF).

Both answer with the user; the rest of the API reads `request.user` as the UI does. A
token request is counted against the token's rate limit first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from .errors import ApiError, RateLimited
from .services import count_request, token_for

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


def may_use_api(user: User) -> bool:
    """Staff see the API (read-only users read only); portal logins do not (yet)."""
    return bool(user.is_active and user.is_staff_member)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for(token)
        if found is None:
            return None
        if not may_use_api(found.user):
            raise ApiError(403, "forbidden", _("This account may not use the API."))
        retry_after = count_request(found)
        if retry_after is not None:
            raise RateLimited(retry_after)
        request.user = found.user
        # The session's language middleware ran before the token was known.
        translation.activate(found.user.language)
        request.LANGUAGE_CODE = found.user.language
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and may_use_api(user):
            return user
        return None
