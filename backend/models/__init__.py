"""All tables; importing this package registers them on ``Base.metadata`` (Alembic needs that)."""

from backend.models.areas import Community, County, ObservationPoint, Street, StreetLine, UnitGrid
from backend.models.base import Base, UTCDateTime, utcnow
from backend.models.case import Case, CaseEvent, OutboxMessage, Photo, Task
from backend.models.catalog import CatalogClass, Setting
from backend.models.component import Component
from backend.models.intake import (
    ApiClient,
    CaseReporter,
    EmergencyRule,
    EmergencyTransfer,
    KnowledgeArticle,
    KnowledgeTerm,
    KnowledgeUse,
    OutboxAttempt,
)
from backend.models.org import ApiToken, Department, RoutingRule, User, UserGrid
from backend.models.stats import CASE_FILED_INDEX, CASE_INTAKE_INDEX, CASE_UPDATED_INDEX, StatsDaily

__all__ = [
    "CASE_FILED_INDEX", "CASE_INTAKE_INDEX", "CASE_UPDATED_INDEX", "ApiClient", "ApiToken", "Base", "Case", "CaseEvent", "CaseReporter", "CatalogClass", "Community",
    "Component", "County", "Department", "EmergencyRule", "EmergencyTransfer", "KnowledgeArticle",
    "KnowledgeTerm", "KnowledgeUse", "ObservationPoint", "OutboxAttempt", "OutboxMessage", "Photo", "RoutingRule", "Setting", "StatsDaily", "Street",
    "StreetLine", "Task", "UTCDateTime", "UnitGrid", "User", "UserGrid", "utcnow",
]
