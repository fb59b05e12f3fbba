"""Django settings for Calmdesk. Every setting comes from the environment.

All names are documented in docs/configuration.md (a test fails when one is
not). The embedded default is one process on a SQLite file with jobs run
in-process; PostgreSQL, a Redis broker and Celery workers are chosen by
setting DATABASE_URL and CELERY_BROKER_URL.

A value Calmdesk cannot use raises calmdesk.conf.ConfigError here, at load,
naming the setting and what is allowed (docs/configuration.md).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from calmdesk.conf import (
    ConfigError,
    check_phone_region,
    check_reputation,
    check_time_zone,
    data_dir,
    env,
    env_bool,
    env_checked,
    env_choice,
    env_float,
    env_int,
    env_list,
)

BASE_DIR = Path(__file__).resolve().parent


DATA_DIR = data_dir(
    env(
        "CALMDESK_DATA_DIR",
        "./data",
        "Directory for the SQLite file, uploads and the secret key file.",
    )
)

DEBUG = env_bool("CALMDESK_DEBUG", False, "Django debug mode. Never on in production.")
PRODUCTION = env_bool(
    "CALMDESK_PRODUCTION",
    False,
    "Behind HTTPS: secure cookies, HSTS and SSL redirect (passes `manage.py check --deploy`).",
)


def _secret_key() -> str:
    key = env(
        "SECRET_KEY",
        "",
        "Django secret key. Unset: a random key is created once in CALMDESK_DATA_DIR/secret_key.",
    )
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the site answers to."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CALMDESK_CSRF_TRUSTED_ORIGINS",
    "",
    "Comma-separated origins (https://desk.example.com) for CSRF.",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "calmdesk.apps.CalmdeskConfig",
    "calmdesk.web.apps.WebConfig",  # the desk's pages: templates, static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "calmdesk.urls"
WSGI_APPLICATION = "calmdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def _database(url: str, name: str = "DATABASE_URL") -> dict:
    """Django's DATABASES entry for `url`; a ConfigError (not echoing a password) when unusable."""
    allowed = "use sqlite:///path or postgres://user:password@host:5432/name"
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise ConfigError(f"{name} is not a database URL: {allowed}")
    if scheme.lower() not in DATABASE_SCHEMES:
        raise ConfigError(
            f"{name} uses {scheme + '://'!r}, which Calmdesk does not support: {allowed}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except ValueError as exc:
        raise ConfigError(f"{name} cannot be read ({exc}): {allowed}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the
            # write lock at BEGIN so concurrent writers queue instead of
            # failing with "database is locked" half-way through.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = env(
    "DATABASE_URL",
    f"sqlite:///{DATA_DIR / 'calmdesk.sqlite3'}",
    "Database URL: sqlite:///path or postgres://user@host:5432/name. Default: SQLite in the data dir.",
)
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"


TIME_ZONE = env_checked(
    "CALMDESK_TIME_ZONE", "UTC", "Default time zone for display and new teams.", check_time_zone
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # created by conf.data_dir
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"

# Content Security Policy: no inline script, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js (from the pip package, calmdesk/web/insights/assets.py) adds
        # two <style> elements when it loads: an empty one and one base rule
        # set. Their hashes allow exactly those, nothing else inline; its other
        # rules come from the stylesheet served beside it. A new plotly.js that
        # changes them fails tests/insights/test_browser.py (console errors).
        "style-src": [
            "'self'",
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
            "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",
        ],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_ssl_redirect = env_bool(
    "CALMDESK_SSL_REDIRECT", True, "In production, redirect plain HTTP to HTTPS."
)
_hsts_seconds = env_int(
    "CALMDESK_HSTS_SECONDS",
    31536000,
    "In production, the Strict-Transport-Security max-age.",
    minimum=0,
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _ssl_redirect
    SECURE_HSTS_SECONDS = _hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: outbound replies and notifications.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
_email_backend = env_choice(
    "CALMDESK_EMAIL_BACKEND",
    "console",
    "How email leaves: smtp, console, file or locmem.",
    tuple(_EMAIL_BACKENDS),
)
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = DATA_DIR / "sent-email"
EMAIL_HOST = env("CALMDESK_SMTP_HOST", "localhost", "SMTP server host.")
EMAIL_PORT = env_int("CALMDESK_SMTP_PORT", 25, "SMTP server port.", minimum=1, maximum=65535)
EMAIL_HOST_USER = env("CALMDESK_SMTP_USER", "", "SMTP user name (empty: no login).")
EMAIL_HOST_PASSWORD = env("CALMDESK_SMTP_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = env_bool("CALMDESK_SMTP_STARTTLS", False, "Use STARTTLS with the SMTP server.")
EMAIL_USE_SSL = env_bool(
    "CALMDESK_SMTP_SSL", False, "Use implicit TLS (port 465) with the SMTP server."
)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env(
    "CALMDESK_FROM_EMAIL", "support@calmdesk.localhost", "From address of outbound email."
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CALMDESK_MESSAGE_ID_DOMAIN = env(
    "CALMDESK_MESSAGE_ID_DOMAIN", "calmdesk.localhost", "Domain used in outbound Message-IDs."
)

# Replies on non-email channels are delivered to this webhook (HMAC-signed).
CALMDESK_OUTGOING_WEBHOOK_URL = env(
    "CALMDESK_OUTGOING_WEBHOOK_URL", "", "URL that receives replies on chat/SMS/social/review/API."
)
CALMDESK_OUTGOING_WEBHOOK_SECRET = env(
    "CALMDESK_OUTGOING_WEBHOOK_SECRET", "", "Shared secret for the webhook's HMAC-SHA256 signature."
)

# Alerts (escalations, negative reviews, low scores...) also go to this
# Slack-compatible incoming webhook, and links in them start with the base URL.
CALMDESK_SLACK_WEBHOOK_URL = env(
    "CALMDESK_SLACK_WEBHOOK_URL", "", "Slack-compatible incoming webhook for alerts (empty: none)."
)
CALMDESK_BASE_URL = env(
    "CALMDESK_BASE_URL", "http://127.0.0.1:8000", "Public address of the desk, for links in alerts."
)

# Jobs: with no broker, tasks run in-process right after the transaction
# commits and periodic jobs run from `calmdesk serve`'s own scheduler thread.
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", "", "Celery broker (redis://127.0.0.1:6379/0). Empty: run jobs in-process."
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CALMDESK_SCHEDULER = env_bool(
    "CALMDESK_SCHEDULER",
    True,
    "With no broker, run periodic jobs inside `calmdesk serve` (0 to turn off).",
)
CALMDESK_MAILBOX_POLL_SECONDS = env_int(
    "CALMDESK_MAILBOX_POLL_SECONDS", 60, "How often IMAP mailboxes are polled.", minimum=1
)


# The cache holds the public pages' rate limits (calmdesk/web/followup/public.py):
# with several server processes it must be shared, or each keeps its own count.
def _caches(url: str, broker: str = "") -> dict:
    """Redis when `url` (or, with no url, the Celery broker) is redis://; else process memory."""
    if not url and broker.startswith(("redis://", "rediss://")):
        url = broker
    if url.startswith(("redis://", "rediss://", "unix://")):
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "calmdesk",
        }
    elif url in ("", "local"):
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        raise ConfigError(
            f"CALMDESK_CACHE_URL={url!r}: use redis://…, rediss://…, unix://… or local"
        )
    return {"default": backend}


CALMDESK_CACHE_URL = env(
    "CALMDESK_CACHE_URL",
    "",
    "Shared cache for rate limits (redis://127.0.0.1:6379/1); local: each process's memory. "
    "Empty: the Celery broker when it is Redis, else local.",
)
CACHES = _caches(CALMDESK_CACHE_URL, CELERY_BROKER_URL)

# Analysis and playbook (read by the pure-Python packages from the environment).
CALMDESK_ANALYSIS_BACKEND = env_choice(
    "CALMDESK_ANALYSIS_BACKEND",
    "rules",
    "Analysis backend: rules (default) or learned.",
    ("rules", "learned"),  # calmdesk.analysis.engine.BACKENDS
)
CALMDESK_MODEL_PATH = env(
    "CALMDESK_MODEL_PATH", "", "Learned model file; empty: the model shipped with Calmdesk."
)
CALMDESK_POLICY_PATH = env(
    "CALMDESK_POLICY_PATH",
    "",
    "Playbook policy YAML; empty: the default policy shipped with Calmdesk.",
)


CALMDESK_PHONE_REGION = env_checked(
    "CALMDESK_PHONE_REGION",
    "US",
    "Region assumed for phone numbers written without a country code.",
    check_phone_region,
)
CALMDESK_DEFAULT_TEAM = env(
    "CALMDESK_DEFAULT_TEAM",
    "",
    "Slug of the team that gets conversations with no team or location.",
)

# Follow-ups, surveys, SMS and the outbox (docs/follow-up.md).
CALMDESK_SURVEY_RATE_LIMIT = env_int(
    "CALMDESK_SURVEY_RATE_LIMIT",
    30,
    "Most survey/unsubscribe page requests per IP address per 10 minutes.",
)
CALMDESK_OUTBOX_MAX_ATTEMPTS = env_int(
    "CALMDESK_OUTBOX_MAX_ATTEMPTS",
    8,
    "Delivery attempts of one outbound email/SMS before giving up.",
)
CALMDESK_OUTBOX_BACKOFF_SECONDS = env_int(
    "CALMDESK_OUTBOX_BACKOFF_SECONDS",
    30,
    "First retry delay of a failed delivery; doubles each attempt (max 1 h).",
)
CALMDESK_OUTBOX_LEASE_SECONDS = env_int(
    "CALMDESK_OUTBOX_LEASE_SECONDS",
    120,
    "How long a sender owns a message; after that a dead sender's work is retried.",
)
CALMDESK_RECOVERY_MIN_SAMPLE = env_int(
    "CALMDESK_RECOVERY_MIN_SAMPLE",
    10,
    "Fewest cases or answers behind a recovery figure before it is shown as a rate.",
)
CALMDESK_RECOVERY_WINDOW_DAYS = env_int(
    "CALMDESK_RECOVERY_WINDOW_DAYS",
    90,
    "How long after a difficult case later behaviour counts towards its outcome.",
)
CALMDESK_SMS_URL = env(
    "CALMDESK_SMS_URL",
    "",
    "SMS provider endpoint (Twilio: https://api.twilio.com/2010-04-01/Accounts/SID/Messages.json). Empty: SMS off.",
)
CALMDESK_SMS_USER = env(
    "CALMDESK_SMS_USER", "", "SMS provider basic-auth user (Twilio: the account SID)."
)
CALMDESK_SMS_PASSWORD = env(
    "CALMDESK_SMS_PASSWORD", "", "SMS provider basic-auth password (Twilio: the auth token)."
)
CALMDESK_SMS_FROM = env("CALMDESK_SMS_FROM", "", "Sender number or name for SMS.")
CALMDESK_SMS_BODY_TEMPLATE = env(
    "CALMDESK_SMS_BODY_TEMPLATE",
    "To=$to&From=$sender&Body=$body",
    "Request body with $to, $sender, $body (escaped for the content type).",
)
CALMDESK_SMS_CONTENT_TYPE = env(
    "CALMDESK_SMS_CONTENT_TYPE",
    "application/x-www-form-urlencoded",
    "Content type of the SMS request (form or application/json).",
)
CALMDESK_SMS_IDEMPOTENCY_HEADER = env(
    "CALMDESK_SMS_IDEMPOTENCY_HEADER",
    "Idempotency-Key",
    "Header carrying a stable key per SMS, so a retried send is not sent twice (empty: none).",
)

# Reputation watch: reviews, mentions, alerts (docs/reputation.md).
# Validated together below (calmdesk.playbook.reputation.build_settings).
CALMDESK_REPUTATION_NEGATIVE_MAX_RATING = env_int(
    "CALMDESK_REPUTATION_NEGATIVE_MAX_RATING",
    2,
    "Star ratings at or below this open a reputation case.",
)
CALMDESK_REPUTATION_SLA_HOURS = env(
    "CALMDESK_REPUTATION_SLA_HOURS",
    "",
    "Optional public-response caps per rating in hours, e.g. 1:12,2:24 (the policy's public_response target applies otherwise).",
)
CALMDESK_REPUTATION_THREAT_SIGNALS = env_list(
    "CALMDESK_REPUTATION_THREAT_SIGNALS",
    "legal_threat,chargeback_threat,threat_of_harm,review_threat",
    "Analysis signals that open a reputation case whatever the rating.",
)
CALMDESK_REPUTATION_SPIKE_WEEKS = env_int(
    "CALMDESK_REPUTATION_SPIKE_WEEKS",
    8,
    "Trailing weeks that make the usual level of negative reviews for spike detection.",
)
CALMDESK_REPUTATION_SPIKE_MIN_COUNT = env_int(
    "CALMDESK_REPUTATION_SPIKE_MIN_COUNT",
    3,
    "Fewest negative reviews in a week before it can be a spike.",
)
CALMDESK_REPUTATION_SPIKE_ALPHA = env_float(
    "CALMDESK_REPUTATION_SPIKE_ALPHA",
    0.01,
    "Poisson tail probability below which a week's negative count is a spike.",
)


check_reputation(
    negative_max_rating=CALMDESK_REPUTATION_NEGATIVE_MAX_RATING,
    sla_hours=CALMDESK_REPUTATION_SLA_HOURS,
    spike_weeks=CALMDESK_REPUTATION_SPIKE_WEEKS,
    spike_min_count=CALMDESK_REPUTATION_SPIKE_MIN_COUNT,
    spike_alpha=CALMDESK_REPUTATION_SPIKE_ALPHA,
)
CALMDESK_REPUTATION_SWEEP_MINUTES = env_int(
    "CALMDESK_REPUTATION_SWEEP_MINUTES",
    5,
    "How often overdue public responses and spikes are checked.",
    minimum=1,
)
# 5 minutes to a week, as `calmdesk feeds add --every` (calmdesk/cli/startup.py FEED_MINUTES).
FEED_POLL_MINUTES_RANGE = (5, 10080)
CALMDESK_FEED_POLL_MINUTES = env_int(
    "CALMDESK_FEED_POLL_MINUTES",
    30,
    "Default interval between polls of an RSS/Atom mention feed.",
    minimum=FEED_POLL_MINUTES_RANGE[0],
    maximum=FEED_POLL_MINUTES_RANGE[1],
)
CALMDESK_FEED_TIMEOUT_SECONDS = env_int(
    "CALMDESK_FEED_TIMEOUT_SECONDS", 15, "Timeout of one feed request."
)
CALMDESK_FEED_MAX_BYTES = env_int(
    "CALMDESK_FEED_MAX_BYTES",
    5_000_000,
    "Largest feed body read; a larger feed counts as a failure.",
)
CALMDESK_FEED_ALLOW_PRIVATE = env_bool(
    "CALMDESK_FEED_ALLOW_PRIVATE",
    False,
    "Let feed URLs reach private, loopback and link-local addresses (an intranet feed).",
)
CALMDESK_FEED_MAX_BACKOFF_MINUTES = env_int(
    "CALMDESK_FEED_MAX_BACKOFF_MINUTES",
    1440,
    "Longest wait before retrying a failing feed (the wait doubles per failure).",
)

# Insights: root causes, discovery, patterns, the digest (docs/insights.md).
CALMDESK_CAUSE_FEATURES = env_choice(
    "CALMDESK_CAUSE_FEATURES",
    "auto",
    "Root-cause classifier and discovery features: auto, embeddings or tfidf.",
    ("auto", "embeddings", "tfidf"),
)
CALMDESK_CAUSE_MODEL_PATH = env(
    "CALMDESK_CAUSE_MODEL_PATH",
    "",
    "Root-cause classifier file; empty: CALMDESK_DATA_DIR/models/root_causes.joblib.",
)
CALMDESK_CAUSE_MIN_CONFIDENCE = env_float(
    "CALMDESK_CAUSE_MIN_CONFIDENCE",
    0.5,
    "The classifier's cause is used at this probability or above; else the rules'.",
    minimum=0.0,
    maximum=1.0,
)
CALMDESK_DISCOVERY_DAYS = env_int(
    "CALMDESK_DISCOVERY_DAYS",
    28,
    "Discovery clusters the uncategorized complaints of this many days.",
)
CALMDESK_DISCOVERY_MIN_CLUSTER = env_int(
    "CALMDESK_DISCOVERY_MIN_CLUSTER",
    5,
    "Smallest group of complaints discovery proposes as a new cause.",
)
CALMDESK_INSIGHTS_WEEKS = env_int(
    "CALMDESK_INSIGHTS_WEEKS", 12, "Weeks shown on the insights pages."
)
# CALMDESK_REPEAT_CONTACT_DAYS (insights' repeat-contact rate too): defined with the escalation settings below.
CALMDESK_CHURN_WINDOW_DAYS = env_int(
    "CALMDESK_CHURN_WINDOW_DAYS",
    60,
    "Silent-churn estimate: a customer not heard from for this many days has not come back.",
)
CALMDESK_VERDICT_MIN_COUNT = env_int(
    "CALMDESK_VERDICT_MIN_COUNT",
    10,
    "Fewest complaints (before + after) for a before/after verdict on a fix.",
)
CALMDESK_DIGEST_ENABLED = env_bool(
    "CALMDESK_DIGEST_ENABLED", True, "Email the weekly insights digest to managers and admins."
)

# SLAs, escalation, promises, compensation and wellbeing (docs/escalation.md).
CALMDESK_ESCALATION_SWEEP_SECONDS = env_int(
    "CALMDESK_ESCALATION_SWEEP_SECONDS",
    60,
    "How often the SLA, promise, block and escalation sweep runs.",
    minimum=1,
)
CALMDESK_REPEAT_CONTACT_DAYS = env_int(
    "CALMDESK_REPEAT_CONTACT_DAYS",
    14,
    "A customer's earlier conversations with the same team within this many days count as "
    "contacts about the same issue; insights counts a conversation this close to the "
    "customer's previous one as a repeat contact.",
)
CALMDESK_HABITUAL_WINDOW_DAYS = env_int(
    "CALMDESK_HABITUAL_WINDOW_DAYS",
    365,
    "How far back the customer's history is read to tell a genuine grievance from a habitual claimant.",
)
CALMDESK_HABITUAL_MIN_CLAIMS = env_int(
    "CALMDESK_HABITUAL_MIN_CLAIMS",
    3,
    "Compensations in that window that make a customer a habitual claimant (lower limits apply).",
)

# API
CALMDESK_API_MAX_BATCH = env_int(
    "CALMDESK_API_MAX_BATCH", 1000, "Most messages accepted in one POST /api/v1/messages."
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024  # a 1,000-message batch can be large

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "CALMDESK_LOG_LEVEL",
            "INFO",
            "Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
            ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        ),
    },
}
