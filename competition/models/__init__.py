"""SQLAlchemy models, by feature. Importing this package registers every table on `db.metadata`."""

from competition.models.audit import AuditEntry
from competition.models.contests import (
    Component,
    Contest,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Round,
    Unit,
)
from competition.models.documents import AwardRuleSet, Certificate
from competition.models.marks import Mark, TieResolution
from competition.models.users import ApiToken, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AwardRuleSet",
    "Certificate",
    "Component",
    "Contest",
    "Contestant",
    "Event",
    "Finalist",
    "JudgeAssignment",
    "Mark",
    "Role",
    "Round",
    "TieResolution",
    "Unit",
    "User",
]
