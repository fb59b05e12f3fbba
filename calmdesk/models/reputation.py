"""Reputation watch: where reviews and mentions come from, each one tracked
with its revisions and its public-response case, and the alerts raised.

A review or mention is a Conversation (channel review or social, one per
item, taken in by `receive`); `Review` adds what the desk needs to answer
it in public: the platform's own id, the current text and rating, whether
it opened a case and by when the public reply is due.
"""

from django.db import models
from django.db.models import Q


class SourceKind(models.TextChoices):
    IMPORT = "import", "File import"
    WEBHOOK = "webhook", "Webhook"
    FEED = "feed", "RSS/Atom feed"


class Platform(models.TextChoices):
    GOOGLE = "google", "Google"
    TRUSTPILOT = "trustpilot", "Trustpilot"
    YELP = "yelp", "Yelp"
    FACEBOOK = "facebook", "Facebook"
    TRIPADVISOR = "tripadvisor", "Tripadvisor"
    TWITTER = "twitter", "X / Twitter"
    RSS = "rss", "RSS/Atom"
    WEB = "web", "Web"
    GENERIC = "generic", "Other"


class ReviewKind(models.TextChoices):
    REVIEW = "review", "Review"
    MENTION = "mention", "Mention"


class ReviewState(models.TextChoices):
    LIVE = "live", "Live"
    UPDATED = "updated", "Updated by the reviewer"
    REMOVED = "removed", "Removed"


class RevisionChange(models.TextChoices):
    CREATED = "created", "First seen"
    EDITED = "edited", "Edited"
    REMOVED = "removed", "Removed"
    RESTORED = "restored", "Restored"


class AlertKind(models.TextChoices):
    NEGATIVE = "negative_review", "Negative review"
    SLA_BREACH = "sla_breach", "Public response overdue"
    SPIKE = "spike", "Spike in negative reviews"
    FEED_FAILING = "feed_failing", "Feed failing"


class ReviewSource(models.Model):
    """A place reviews or mentions come from: an export format, a webhook, a feed.

    Feeds are polled with conditional GET (etag / last_modified); a failing
    feed backs off (next_poll_at) and is reported, never retried in a loop.
    A webhook source authenticates with its own key (only the digest kept).
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.GENERIC)
    channel = models.CharField(max_length=16, default="review")  # review or social
    location = models.ForeignKey(
        "calmdesk.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_sources",
    )
    # Approved public replies go to the outgoing webhook (the platform allows posting).
    allows_reply = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    url = models.URLField(max_length=1000, blank=True)
    poll_minutes = models.PositiveIntegerField(default=30)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_status = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    key_prefix = models.CharField(max_length=12, blank=True)
    key_digest = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One review or mention as it stands now, and its public-response case."""

    conversation = models.OneToOneField(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="review"
    )
    source = models.ForeignKey(
        ReviewSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    kind = models.CharField(max_length=16, choices=ReviewKind.choices, default=ReviewKind.REVIEW)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.GENERIC)
    external_id = models.CharField(max_length=300, blank=True)
    location = models.ForeignKey(
        "calmdesk.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    author = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    url = models.URLField(max_length=1000, blank=True)
    order_ref = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.LIVE)
    revision_count = models.PositiveIntegerField(default=1)
    # The case: set when the review is evaluated after its assessment.
    evaluated_at = models.DateTimeField(null=True, blank=True)
    negative = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    signals = models.JSONField(default=list, blank=True)
    theme = models.CharField(max_length=40, blank=True)
    case_opened_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    breached_at = models.DateTimeField(null=True, blank=True)
    dismissed_links = models.JSONField(default=list, blank=True)  # customer ids
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="review_platform_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["location", "published_at"], name="review_location_published"),
            models.Index(fields=["negative", "responded_at"], name="review_negative_responded"),
        ]

    def __str__(self) -> str:
        stars = f"{self.rating}★ " if self.rating else ""
        return f"{stars}{self.get_kind_display().lower()} by {self.author or 'someone'}"


class ReviewRevision(models.Model):
    """What a review said at one time: first seen, each edit, a removal."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=16, choices=RevisionChange.choices)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="review_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.number} ({self.change})"


class ReputationAlert(models.Model):
    """What the reputation watch raised, for the reputation page and its audit.

    `key` makes raising idempotent: the same review, breach, spike week or
    failing feed raises one alert. People are told through the desk's one
    notification path (Notification rows, email, Slack-compatible webhook).
    """

    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    key = models.CharField(max_length=200, unique=True)
    location = models.ForeignKey(
        "calmdesk.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    source = models.ForeignKey(
        ReviewSource, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    notified = models.PositiveIntegerField(default=0)  # people notified (calmdesk.actions.notify)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
