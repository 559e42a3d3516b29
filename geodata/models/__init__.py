"""The schema: SQLAlchemy 2 typed models with GeoAlchemy2 geometries (EPSG:4326).

Constraints live here so that bad values are refused by the database itself, whatever
path wrote them. Every record table has a business key (`code`) that loads merge on,
an `is_demo` mark and the id of the load run that last wrote it.

Where things live: `base` (the declarative base, naming convention and column helpers),
`records` (the territory tree and the records loaded into it), `people` (users, sessions,
the audit log and the room's own follow-up records), `facts` (the materialised indicator
tables, their columns derived from `geodata.measures`), `system` (integrity issues,
export jobs, data versions). Every name is re-exported here: `from geodata.models import X`.
"""

from geodata.models.base import NAMING, SRID, Base, _created, _demo, _id, _run_fk, one_of  # noqa: F401
from geodata.models.facts import (  # noqa: F401
    CASE_FACT_MEASURES,
    FACT_MEASURES,
    PROJECT_FACT_MEASURES,
    RESOLVE_DAY_BUCKETS,
    IndicatorRefresh,
    IndicatorSnapshot,
    _fact_measure,
    case_fact,
    indicator_fact,
    indicator_total,
    project_fact,
)
from geodata.models.people import (  # noqa: F401
    FOLLOW_UP_ACTIONS,
    FOLLOW_UP_KINDS,
    AlertAck,
    AppUser,
    AuditLog,
    FollowUp,
    FollowUpEntry,
    RoomVisit,
    RoutingRule,
    ShiftLogEntry,
    UserSession,
)
from geodata.models.records import (  # noqa: F401
    Agreement,
    AgreementProject,
    Cabinet,
    Case,
    CaseSolution,
    CaseStatusChange,
    Clap,
    ClapDelivery,
    Deposit,
    EtlReject,
    EtlRun,
    Project,
    ProjectStageChange,
    Territory,
    WorkingTable,
)
from geodata.models.system import EXPORT_JOB_STATES, INTEGRITY_KINDS, DataVersion, ExportJob, IntegrityIssue  # noqa: F401

# The communal system's tables register on the same Base (see that module's docstring).
from geodata import communal_models  # noqa: E402,F401
from geodata import consultation_models  # noqa: E402,F401
# The follow-up team's and the notifications' tables, likewise (geodata.team_models).
from geodata import team_models  # noqa: E402,F401
