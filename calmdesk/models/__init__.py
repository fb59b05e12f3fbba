"""Calmdesk's models, one module per concept."""

from calmdesk.models.abuse import AbuseWarning, BlockKind, ContactBlock, WarningStage, WarningState
from calmdesk.models.agent import Agent
from calmdesk.models.cause import (
    CauseOrigin,
    CauseProposal,
    CauseSource,
    CauseStatus,
    ConversationCause,
    ProposalStatus,
    ReplyReview,
    RootCause,
)
from calmdesk.models.choices import (
    Channel,
    Delivery,
    Direction,
    IdentityKind,
    Level,
    Role,
    Status,
)
from calmdesk.models.commitment import Commitment, CommitmentSource, CommitmentState
from calmdesk.models.compensation import Compensation, CompensationKind, CompensationState
from calmdesk.models.conversation import Conversation
from calmdesk.models.customer import Customer, Identity
from calmdesk.models.escalation import Escalation, Handoff, HandoffState
from calmdesk.models.event import Event
from calmdesk.models.followup import (
    CustomerEvent,
    CustomerEventKind,
    FollowUp,
    FollowUpMessage,
    FollowUpMode,
    FollowUpState,
)
from calmdesk.models.location import Location
from calmdesk.models.mailbox import Mailbox
from calmdesk.models.message import Message
from calmdesk.models.notification import Notification
from calmdesk.models.outbox import OutboxChannel, OutboxKind, OutboxMessage, OutboxState
from calmdesk.models.reputation import (
    AlertKind,
    Platform,
    ReputationAlert,
    Review,
    ReviewKind,
    ReviewRevision,
    ReviewSource,
    ReviewState,
    RevisionChange,
    SourceKind,
)
from calmdesk.models.sla import ESCALATION_RANK, EscalationLevel, Priority, SlaState
from calmdesk.models.survey import (
    CampaignState,
    ContactPreference,
    Survey,
    SurveyCampaign,
    SurveyKind,
    SurveyState,
)
from calmdesk.models.team import Team
from calmdesk.models.token import ApiToken
from calmdesk.models.wellbeing import ShiftExposure

__all__ = [
    "ESCALATION_RANK",
    "AbuseWarning",
    "BlockKind",
    "Commitment",
    "CommitmentSource",
    "CommitmentState",
    "Compensation",
    "CompensationKind",
    "CompensationState",
    "ContactBlock",
    "Escalation",
    "EscalationLevel",
    "Handoff",
    "HandoffState",
    "Priority",
    "ShiftExposure",
    "SlaState",
    "WarningStage",
    "WarningState",
    "CampaignState",
    "ContactPreference",
    "CustomerEvent",
    "CustomerEventKind",
    "FollowUp",
    "FollowUpMessage",
    "FollowUpMode",
    "FollowUpState",
    "OutboxChannel",
    "OutboxKind",
    "OutboxMessage",
    "OutboxState",
    "Survey",
    "SurveyCampaign",
    "SurveyKind",
    "SurveyState",
    "AlertKind",
    "Platform",
    "ReputationAlert",
    "Review",
    "ReviewKind",
    "ReviewRevision",
    "ReviewSource",
    "ReviewState",
    "RevisionChange",
    "SourceKind",
    "Agent",
    "ApiToken",
    "CauseOrigin",
    "CauseProposal",
    "CauseSource",
    "CauseStatus",
    "Channel",
    "Conversation",
    "ConversationCause",
    "Customer",
    "Delivery",
    "Direction",
    "Event",
    "Identity",
    "IdentityKind",
    "Level",
    "Location",
    "Mailbox",
    "Message",
    "Notification",
    "ProposalStatus",
    "ReplyReview",
    "Role",
    "RootCause",
    "Status",
    "Team",
]
