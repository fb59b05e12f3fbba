"""Calmdesk's models, one module per concept."""

from calmdesk.models.agent import Agent
from calmdesk.models.choices import (
    Channel,
    Delivery,
    Direction,
    IdentityKind,
    Level,
    Role,
    Status,
)
from calmdesk.models.conversation import Conversation
from calmdesk.models.customer import Customer, Identity
from calmdesk.models.event import Event
from calmdesk.models.location import Location
from calmdesk.models.mailbox import Mailbox
from calmdesk.models.message import Message
from calmdesk.models.team import Team
from calmdesk.models.token import ApiToken

__all__ = [
    "Agent",
    "ApiToken",
    "Channel",
    "Conversation",
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
    "Role",
    "Status",
    "Team",
]
