"""One customer however they write in: identity normalization, resolution, merging."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction

from calmdesk.actions.events import EventKind, log_event
from calmdesk.intake.types import InboundCustomer, InboundError
from calmdesk.models import Agent, Conversation, Customer, Identity, IdentityKind


def normalize_email(value: str) -> str:
    value = value.strip().lower()
    if value.count("@") != 1 or not value.split("@")[0] or "." not in value.split("@")[1]:
        raise InboundError(f"{value!r} is not an email address")
    return value


def normalize_phone(value: str) -> str:
    """E.164, e.g. '+14155550123'. Numbers without a country code use CALMDESK_PHONE_REGION."""
    try:
        number = phonenumbers.parse(value, settings.CALMDESK_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InboundError(f"{value!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_possible_number(number):
        raise InboundError(f"{value!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_handle(value: str) -> str:
    """'Twitter:@Jane' -> 'twitter:jane'; '@Jane' -> 'jane'."""
    value = value.strip().lower()
    platform, sep, name = value.rpartition(":")
    name = name.strip().lstrip("@")
    if not name:
        raise InboundError(f"{value!r} is not a social handle")
    return f"{platform.strip()}{sep}{name}"


NORMALIZERS = {
    IdentityKind.EMAIL: normalize_email,
    IdentityKind.PHONE: normalize_phone,
    IdentityKind.HANDLE: normalize_handle,
    IdentityKind.REVIEW_NAME: lambda v: " ".join(v.lower().split()),
}


def identities_of(customer: InboundCustomer) -> list[tuple[str, str]]:
    """The normalized (kind, value) pairs an inbound customer carries."""
    pairs = []
    for kind, raw in (
        (IdentityKind.EMAIL, customer.email),
        (IdentityKind.PHONE, customer.phone),
        (IdentityKind.HANDLE, customer.handle),
        (IdentityKind.REVIEW_NAME, customer.review_name),
    ):
        if raw and raw.strip():
            pairs.append((str(kind), NORMALIZERS[kind](raw)))
    return pairs


def canonical(customer: Customer) -> Customer:
    seen = set()
    while customer.merged_into_id is not None and customer.pk not in seen:
        seen.add(customer.pk)
        customer = customer.merged_into
    return customer


def resolve_customer(inbound: InboundCustomer) -> tuple[Customer, bool]:
    """The customer these identities belong to, created when none is known.

    An identity already known on any channel links to its customer. Safe
    under concurrency: the identity's unique constraint decides, and a loser
    of the race re-reads the winner's customer.
    """
    pairs = identities_of(inbound)
    for _attempt in range(3):
        known = list(
            Identity.objects.filter(
                kind__in=[k for k, _ in pairs], value__in=[v for _, v in pairs]
            ).select_related("customer")
        )
        known = [i for i in known if (i.kind, i.value) in pairs]
        if known:
            customer = canonical(min(known, key=lambda i: i.customer_id).customer)
            if not customer.name and inbound.name:
                customer.name = inbound.name[:200]
                customer.save(update_fields=["name"])
            _add_missing(customer, pairs, {(i.kind, i.value) for i in known})
            return customer, False
        try:
            with transaction.atomic():
                customer = Customer.objects.create(name=inbound.name[:200])
                for kind, value in pairs:
                    Identity.objects.create(customer=customer, kind=kind, value=value)
                log_event(EventKind.CUSTOMER_CREATED, customer=customer)
                return customer, True
        except IntegrityError:
            continue  # another request created one of these identities first
    raise RuntimeError("could not resolve the customer after 3 attempts")


def _add_missing(customer: Customer, pairs, present) -> None:
    for kind, value in pairs:
        if (kind, value) in present:
            continue
        try:
            with transaction.atomic():
                Identity.objects.create(customer=customer, kind=kind, value=value)
        except IntegrityError:
            pass  # claimed meanwhile; it stays with whoever claimed it


@transaction.atomic
def do_link_identity(actor: Agent | None, customer: Customer, kind: str, value: str) -> Identity:
    """An agent confirms that this email/phone/handle belongs to this customer."""
    if kind not in IdentityKind.values:
        raise InboundError(f"unknown identity kind {kind!r}")
    normalized = NORMALIZERS[IdentityKind(kind)](value)
    identity = (
        Identity.objects.select_for_update(of=("self",)).filter(kind=kind, value=normalized).first()
    )
    if identity is not None:
        if identity.customer_id == customer.pk:
            return identity
        other = identity.customer
        do_merge_customers(actor, keep=customer, merge=canonical(other))
        identity.refresh_from_db()
        return identity
    identity = Identity.objects.create(customer=customer, kind=kind, value=normalized)
    log_event(EventKind.IDENTITY_LINKED, actor=actor, customer=customer, after={kind: normalized})
    return identity


@transaction.atomic
def do_merge_customers(actor: Agent | None, keep: Customer, merge: Customer) -> Customer:
    """Move `merge`'s identities and conversations to `keep`; `merge` points at `keep`."""
    if keep.pk == merge.pk:
        raise ValueError("cannot merge a customer into itself")
    if canonical(keep).pk == merge.pk:
        raise ValueError("cannot merge a customer into one merged into it")
    moved_identities = list(merge.identities.values_list("kind", "value"))
    moved_conversations = list(merge.conversations.values_list("id", flat=True))
    Identity.objects.filter(customer=merge).update(customer=keep)
    Conversation.objects.filter(customer=merge).update(customer=keep)
    Customer.objects.filter(merged_into=merge).update(merged_into=keep)
    merge.merged_into = keep
    merge.save(update_fields=["merged_into"])
    updates = []
    if not keep.name and merge.name:
        keep.name = merge.name
        updates.append("name")
    if merge.notes:
        keep.notes = f"{keep.notes}\n{merge.notes}".strip()
        updates.append("notes")
    if merge.vip and not keep.vip:
        keep.vip = True
        updates.append("vip")
    if updates:
        keep.save(update_fields=updates)
    log_event(
        EventKind.CUSTOMERS_MERGED,
        actor=actor,
        customer=keep,
        before={"customer": merge.pk},
        after={"customer": keep.pk},
        identities=[f"{k}:{v}" for k, v in moved_identities],
        conversations=moved_conversations,
    )
    return keep
