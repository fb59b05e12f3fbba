"""The playbook: the policy, and what it says about each conversation.

Pure Python (never imports Django): the desk builds plain `views` of a
conversation and calls these functions.

    policy = load_policy()
    track_steps(conversation, policy)          -> StepProgress
    recommend(conversation, policy, agent)     -> list[Recommendation]
    draft_reply(conversation, policy, agent)   -> Draft
    coach(reply, conversation, policy, agent)  -> CoachResult
    brief(conversation, policy, commitments, compensations) -> Brief
    evaluate_rules(conversation, policy)       -> list[RuleMatch]
"""

from calmdesk.playbook.brief import Brief, brief
from calmdesk.playbook.drafts import Draft, DraftPart, draft_reply
from calmdesk.playbook.policy import (
    DEFAULT_POLICY_PATH,
    POLICY_PATH_ENV,
    Policy,
    PolicyError,
    load_policy,
    validate_policy_text,
)
from calmdesk.playbook.recommend import Recommendation, recommend
from calmdesk.playbook.registry import ACTION_REGISTRY, dispatch
from calmdesk.playbook.rubric.coach import CoachResult, Finding, coach
from calmdesk.playbook.rules import RuleMatch, evaluate_rules
from calmdesk.playbook.schema import (
    CHANNELS,
    COMPENSATION_OPTIONS,
    FINDING_KINDS,
    ROLES,
    ROOT_CAUSES,
    STEP_KEYS,
)
from calmdesk.playbook.steps import StepProgress, StepStatus, track_steps
from calmdesk.playbook.timefmt import TeamCalendar
from calmdesk.playbook.views import (
    AgentView,
    CommitmentView,
    CompensationView,
    ConversationView,
    CustomerView,
    LocationView,
    MessageView,
)

__all__ = [
    "ACTION_REGISTRY",
    "CHANNELS",
    "COMPENSATION_OPTIONS",
    "DEFAULT_POLICY_PATH",
    "FINDING_KINDS",
    "POLICY_PATH_ENV",
    "ROLES",
    "ROOT_CAUSES",
    "STEP_KEYS",
    "AgentView",
    "Brief",
    "CoachResult",
    "CommitmentView",
    "CompensationView",
    "ConversationView",
    "CustomerView",
    "Draft",
    "DraftPart",
    "Finding",
    "LocationView",
    "MessageView",
    "Policy",
    "PolicyError",
    "Recommendation",
    "RuleMatch",
    "StepProgress",
    "StepStatus",
    "TeamCalendar",
    "brief",
    "coach",
    "dispatch",
    "draft_reply",
    "evaluate_rules",
    "load_policy",
    "recommend",
    "track_steps",
    "validate_policy_text",
]
