"""Periodic work of the escalation area: the sweep (SLA states, promises, blocks, SLA-breach rule).

The task is thin: it calls `actions.escalation.do_sweep`, the same entry
point as `calmdesk sla sweep`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from calmdesk.celery_app import app


@app.task(name="calmdesk.escalation_sweep")
def escalation_sweep() -> dict[str, int]:
    from calmdesk.actions.escalation import do_sweep

    return do_sweep()


PERIODIC = {
    "escalation-sweep": (
        escalation_sweep,
        timedelta(seconds=settings.CALMDESK_ESCALATION_SWEEP_SECONDS),
    ),
}
