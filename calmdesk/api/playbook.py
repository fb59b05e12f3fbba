"""POST /api/v1/coach and /api/v1/draft: the playbook over the API."""

from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from calmdesk.access import access_conversation
from calmdesk.api.schemas import DbInt
from calmdesk.playbook import PolicyError, coach, draft_reply, load_policy, track_steps
from calmdesk.playbook.views import EMPTY_CONVERSATION
from calmdesk.services.playbook_views import agent_view, conversation_view

router = Router(tags=["playbook"])


class CoachIn(Schema):
    reply: str = Field(..., min_length=1, max_length=100_000)
    conversation_id: DbInt | None = None


class FindingOut(Schema):
    kind: str
    severity: str
    start: int
    end: int
    text: str
    rule: str
    suggestion: str


class CoachOut(Schema):
    score: int
    findings: list[FindingOut]


class DraftIn(Schema):
    conversation_id: DbInt


class DraftPartOut(Schema):
    name: str
    text: str


class DraftOut(Schema):
    text: str
    public: bool
    due: str
    parts: list[DraftPartOut]
    coach: CoachOut
    next_step: dict[str, Any]


def _policy():
    try:
        return load_policy()
    except PolicyError as exc:
        raise HttpError(503, f"The playbook policy is invalid: {exc}") from None


@router.post("/coach", response=CoachOut, summary="Check a reply before it is sent")
def post_coach(request, payload: CoachIn):
    """Score 0–100 and findings (kind, severity blocking|advice, span, rule,
    suggested rewrite). With `conversation_id`, the reply is judged against
    that conversation (404 if it is not yours to see)."""
    view = EMPTY_CONVERSATION
    if payload.conversation_id is not None:
        view = conversation_view(access_conversation(request.agent, payload.conversation_id))
    return coach(payload.reply, view, _policy(), agent_view(request.agent)).to_dict()


@router.post("/draft", response=DraftOut, summary="A personalized draft reply")
def post_draft(request, payload: DraftIn):
    """A deterministic draft from the policy: the customer's name, their issue
    restated, the emotion acknowledged, an apology without blame, the options
    this user's role may offer, a realistic time and the follow-up; with the
    coach's verdict on it and the framework's next step."""
    policy = _policy()
    view = conversation_view(access_conversation(request.agent, payload.conversation_id))
    agent = agent_view(request.agent)
    draft = draft_reply(view, policy, agent)
    out = draft.to_dict()
    out["coach"] = coach(draft.text, view, policy, agent).to_dict()
    out["next_step"] = track_steps(view, policy, agent).to_dict()
    return out
