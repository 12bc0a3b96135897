"""One JSON error format for every API answer that is not a success.

    {"error": {"code": "invalid", "message": "...",
               "fields": {"subject": [{"code": "required", "message": "..."}]}}}

`code` is a machine code (stable, English), `message` a sentence in the user's language,
`fields` only for input errors. Stale versions and lost accept races answer 409.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

if TYPE_CHECKING:
    from django.forms import Form
    from ninja import NinjaAPI

# Service error codes that mean "someone else changed it first".
CONFLICT_CODES = {"stale", "already_accepted"}


class ApiError(Exception):
    """An answer with a status, a machine code, a message and optional field errors."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, list[dict[str, str]]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}


class RateLimited(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "rate_limited",
            _("Too many requests with this token; try again in %(seconds)d seconds.")
            % {"seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def invalid(fields: dict[str, list[dict[str, str]]]) -> ApiError:
    """A 400 for bad input, with the errors per field."""
    return ApiError(400, "invalid", _("The request has errors."), fields=fields)


def field_error(name: str, message: str, code: str = "invalid") -> ApiError:
    return invalid({name: [{"code": code, "message": message}]})


def form_error(form: Form) -> ApiError:
    """A 400 carrying a Django form's errors (the same rules and texts as the UI's forms)."""
    fields: dict[str, list[dict[str, str]]] = {}
    for name, errors in form.errors.get_json_data().items():
        key = "non_field" if name == "__all__" else name
        fields[key] = [{"code": e["code"] or "invalid", "message": e["message"]} for e in errors]
    return invalid(fields)


def service_error(error: ValidationError) -> ApiError:
    """A domain rule refused the change: 409 for conflicts, else 400."""
    code = getattr(error, "code", None) or "invalid"
    message = " ".join(error.messages)
    return ApiError(409 if code in CONFLICT_CODES else 400, code, message)


def _body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into the one error format."""

    def respond(request: HttpRequest, error: ApiError) -> HttpResponse:
        response = api.create_response(
            request, _body(error.code, error.message, error.fields), status=error.status
        )
        for name, value in error.headers.items():
            response[name] = value
        return response

    def schema_error(request: HttpRequest, error: SchemaValidationError) -> HttpResponse:
        fields: dict[str, list[dict[str, str]]] = {}
        for problem in error.errors:
            location = [str(part) for part in problem.get("loc", ())]
            # ("body", "payload", "subject") -> "subject"; ("query", "page") -> "page"
            name = ".".join(location[2:] if location[:1] == ["body"] else location[1:]) or (
                "non_field"
            )
            fields.setdefault(name, []).append(
                {"code": str(problem.get("type", "invalid")), "message": str(problem.get("msg"))}
            )
        return respond(request, invalid(fields))

    handlers: dict[type[Exception], Any] = {
        ApiError: respond,
        SchemaValidationError: schema_error,
        ValidationError: lambda request, error: respond(request, service_error(error)),
        AuthenticationError: lambda request, error: respond(
            request,
            ApiError(
                401,
                "not_authenticated",
                _("Send a valid API token (Authorization: Bearer …) or sign in."),
                headers={"WWW-Authenticate": "Bearer"},
            ),
        ),
        AuthorizationError: lambda request, error: respond(
            request, ApiError(403, "forbidden", _("You may not do this."))
        ),
        PermissionDenied: lambda request, error: respond(
            request, ApiError(403, "forbidden", str(error) or _("You may not do this."))
        ),
        Http404: lambda request, error: respond(
            request, ApiError(404, "not_found", _("Not found."))
        ),
        ObjectDoesNotExist: lambda request, error: respond(
            request, ApiError(404, "not_found", _("Not found."))
        ),
        HttpError: lambda request, error: respond(
            request, ApiError(error.status_code, "http_error", str(error))
        ),
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)
