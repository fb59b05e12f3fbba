"""The public pages behind token links: the survey and unsubscribing.

No login, no JavaScript, one small page that works on a phone. Each token is
single-purpose and looked up by its hash; unknown, tampered and guessed tokens
all get the same 404. Requests are rate-limited per IP address and per token
(Django's cache: Redis when CALMDESK_CACHE_URL or a Redis CELERY_BROKER_URL is
set, so several server processes share one count; else each process's memory).
Answers and unsubscribes are POSTs (link scanners only GET); the token in the
URL is the secret, so these forms need no CSRF cookie.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from calmdesk.actions.surveys import do_answer_survey, do_unsubscribe, find_preference, find_survey
from calmdesk.models import SurveyKind

log = logging.getLogger(__name__)
WINDOW = 600  # seconds
PER_TOKEN = 20


def _hit(key: str) -> int:
    if cache.add(key, 1, WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
        return 1


def _limited(request: HttpRequest, token: str) -> bool:
    """Over the limit? When the cache cannot be reached (Redis down), the
    request is let through and the outage logged: a customer answering a
    survey should not get an error page because the counter is away."""
    ip = request.META.get("REMOTE_ADDR", "")
    tok = hashlib.sha256(token.encode()).hexdigest()[:24]
    try:
        return (
            _hit(f"cd-public-ip:{ip}") > settings.CALMDESK_SURVEY_RATE_LIMIT
            or _hit(f"cd-public-token:{tok}") > PER_TOKEN
        )
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        log.warning("rate limit not checked: the cache is unreachable", exc_info=True)
        return False


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"calmdesk/followup/{template}", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request) -> HttpResponse:
    response = _page(
        request,
        "public_message.html",
        {
            "title": "Please try again in a few minutes",
            "text": "We received a lot of requests from your connection. Please wait a few minutes.",
        },
        429,
    )
    response["Retry-After"] = str(WINDOW)
    return response


def _invalid(request) -> HttpResponse:
    return _page(
        request,
        "public_message.html",
        {
            "title": "This link does not work",
            "text": "Please check that you opened the whole link from our message.",
        },
        404,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    if _limited(request, token):
        return _too_many(request)
    found = find_survey(token)
    if found is None:
        return _invalid(request)
    if found.answered_at is not None:
        return _page(
            request,
            "public_message.html",
            {
                "title": "Thank you",
                "thanks": True,
                "text": "We have your answer. It goes to our team privately, and if something is "
                "still not right, someone will be in touch.",
            },
        )
    if found.expires_at <= timezone.now():
        return _page(
            request,
            "public_message.html",
            {
                "title": "This survey has closed",
                "text": "The link has expired. If you would still like to tell us something, reply "
                "to our message.",
            },
            410,
        )
    low, high = found.scale
    error, chosen, comment = "", request.GET.get("score", ""), ""
    if request.method == "POST":
        chosen, comment = request.POST.get("score", ""), request.POST.get("comment", "")
        try:
            do_answer_survey(found, chosen, comment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect(request.path)
    question = (
        "How satisfied are you with how we handled your request?"
        if found.kind == SurveyKind.CSAT
        else "How likely are you to recommend us to a friend or colleague?"
    )
    scores = [{"value": v, "checked": str(v) == str(chosen)} for v in range(low, high + 1)]
    return _page(
        request,
        "survey.html",
        {
            "survey": found,
            "question": question,
            "scores": scores,
            "comment": comment,
            "error": error,
            "low_label": "Very unhappy" if found.kind == SurveyKind.CSAT else "Not at all likely",
            "high_label": "Very happy" if found.kind == SurveyKind.CSAT else "Extremely likely",
            "first_name": (found.customer.name or "").split(" ")[0],
        },
        400 if error else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if _limited(request, token):
        return _too_many(request)
    pref = find_preference(token)
    if pref is None:
        return _invalid(request)
    if request.method == "POST":  # the page's button, or RFC 8058 one-click from the mail app
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        do_unsubscribe(pref, via="one-click" if one_click else "link")
        pref.refresh_from_db()
    return _page(request, "unsubscribe.html", {"pref": pref})
