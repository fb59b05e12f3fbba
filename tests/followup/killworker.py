"""`python -m tests.followup.killworker seed sms|email`: one outbox row to send, made by the actions."""

import os
import sys

import django


def main(kind: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.followup.worker_settings")
    django.setup()
    from django.db import transaction

    from calmdesk.actions import receive
    from calmdesk.actions.outbox import enqueue
    from calmdesk.intake.types import Inbound, InboundCustomer
    from calmdesk.models import Customer

    result = receive(
        Inbound(
            channel="email",
            body="Where is my order?",
            external_id="kill-1",
            customer=InboundCustomer(name="Dana", email="dana@example.com", phone="+447700900123"),
        ),
        assess=False,
    )
    customer = Customer.objects.get(pk=result.customer_id)
    with transaction.atomic():
        if kind == "sms":
            row = enqueue(
                key="followup:kill",
                kind="follow_up",
                channel="sms",
                to="+447700900123",
                body="Hi Dana, is everything sorted now?",
                customer=customer,
                send_now=False,
            )
        else:
            row = enqueue(
                key="followup:kill",
                kind="follow_up",
                channel="email",
                to="dana@example.com",
                subject="Checking back",
                body="Hi Dana, is everything sorted now?",
                headers={"Message-ID": "<cd.kill.1@calmdesk.localhost>"},
                customer=customer,
                send_now=False,
            )
    print(row.pk)


if __name__ == "__main__":
    main(sys.argv[1])
