"""SQLAlchemy models, by feature. Importing this package registers every table on `db.metadata`."""

from competition.models.audit import AuditEntry
from competition.models.award_reviews import (
    AwardRuling,
    Objection,
    StationCertificate,
    StationReview,
    StationSelection,
)
from competition.models.awards import (
    AwardCriterion,
    AwardLevel,
    AwardProgramme,
    AwardUnit,
    EvidenceFile,
    ProgrammeExpert,
    Station,
    StationEvidence,
)
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
from competition.models.jobs import Job
from competition.models.judging import Appeal, SecondEntry, Sheet
from competition.models.marks import Absence, Mark, ResultChange, ResultStamp, TieResolution
from competition.models.reviews import (
    Cohort,
    CohortExpert,
    Review,
    ReviewSession,
    RubricItem,
    Trainee,
)
from competition.models.schemes import (
    FlagNote,
    ItemMark,
    MarkingScheme,
    OrganisationAward,
    SchemeItem,
)
from competition.models.users import ApiToken, Role, User

__all__ = [
    "Absence",
    "ApiToken",
    "Appeal",
    "AuditEntry",
    "AwardCriterion",
    "AwardLevel",
    "AwardProgramme",
    "AwardRuleSet",
    "AwardRuling",
    "AwardUnit",
    "Certificate",
    "Cohort",
    "CohortExpert",
    "Component",
    "Contest",
    "Contestant",
    "Event",
    "EvidenceFile",
    "Finalist",
    "FlagNote",
    "ItemMark",
    "Job",
    "JudgeAssignment",
    "Mark",
    "MarkingScheme",
    "Objection",
    "OrganisationAward",
    "ProgrammeExpert",
    "ResultChange",
    "ResultStamp",
    "Review",
    "ReviewSession",
    "Role",
    "Round",
    "RubricItem",
    "SchemeItem",
    "SecondEntry",
    "Sheet",
    "Station",
    "StationCertificate",
    "StationEvidence",
    "StationReview",
    "StationSelection",
    "TieResolution",
    "Trainee",
    "Unit",
    "User",
]
