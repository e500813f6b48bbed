"""Every model, imported once so that ``Base.metadata`` knows all tables (Alembic reads it)."""

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import ApiToken, Role, User, UserSession, user_units
from assessment.db import Base
from assessment.exchange.models import TrustedKey
from assessment.questionnaires.models import (
    Capability,
    Question,
    QuestionLevel,
    Questionnaire,
    ScaleLevel,
    Theme,
)
from assessment.reports.models import ItemStatus, ReportJob, ReportJobItem
from assessment.rounds.models import Round, RoundStatus, RoundTarget, Target
from assessment.units.models import Unit

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "Base",
    "Capability",
    "ItemStatus",
    "Question",
    "QuestionLevel",
    "Questionnaire",
    "ReportJob",
    "ReportJobItem",
    "Role",
    "Round",
    "RoundStatus",
    "RoundTarget",
    "ScaleLevel",
    "Target",
    "Theme",
    "TrustedKey",
    "Unit",
    "User",
    "UserSession",
    "user_units",
]
