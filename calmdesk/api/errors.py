"""One error shape for all of /api/v1 (docs/api.md "Errors"): `{"detail": ...}`.

`detail` is a sentence, or for a bad field a list of `{"loc": [...], "msg": "…"}`
where `loc` starts with where the value came from (`body`, `query`, `path`)
and then names the field (or the item's index in a list). Malformed JSON is
a 400 `Malformed JSON: …`, an unknown path a 404 and a wrong method a 405
with an `Allow` header, all in JSON rather than Django's HTML pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja.errors import HttpError
from ninja.parser import Parser

MALFORMED = "Malformed JSON"
NOT_FOUND = "Not Found"


class MalformedJSON(ValueError):
    """A request body that is not JSON; the text is the answer's `detail`."""


def load_json(body: bytes) -> Any:
    """The request body as JSON, else MalformedJSON (never a RecursionError)."""
    try:
        return json.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON(f"{MALFORMED}: {exc}") from None
    except RecursionError:
        raise MalformedJSON(f"{MALFORMED}: nested too deeply") from None


def parse_json_body(body: bytes) -> Any:
    """As load_json, but raising the 400 an endpoint answers with."""
    try:
        return load_json(body)
    except MalformedJSON as exc:
        raise HttpError(400, str(exc)) from None


class JsonParser(Parser):
    """ninja's parser for body parameters, failing as load_json does."""

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(request.body)


def field_errors(errors: Iterable[dict], prefix: Iterable[Any] = ("body",)) -> list[dict]:
    """pydantic errors -> `[{"loc", "msg"}]`: no type, ctx, input or url, and
    no "Value error, " before a validator's own sentence."""
    out = []
    for e in errors:
        msg = str(e["msg"]).removeprefix("Value error, ")
        out.append({"loc": [*prefix, *e["loc"]], "msg": msg})
    return out


def http_error(request: HttpRequest, exc: HttpError, api) -> HttpResponse:
    """ninja's HttpError, with ninja's "Cannot parse request body" (a body
    param's JSON failed to parse) told as the Malformed JSON of /messages."""
    detail = str(exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, MalformedJSON):
        detail = str(exc.__cause__)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/v1/ path no route matches: a JSON 404, not the web app's page."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def json_not_allowed(view: Callable) -> Callable:
    """Wrap a ninja path view so a wrong method answers a JSON 405 (with `Allow`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            detail = f"Method {request.method} not allowed here; use {allowed}."
            out = JsonResponse({"detail": detail}, status=405)
            out["Allow"] = allowed
            return out
        return response

    return wrapper
