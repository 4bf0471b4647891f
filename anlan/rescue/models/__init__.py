"""Rescue models: teams and members (teams.py), equipment (equipment.py), duty, drills, incidents
and dispatches (operations.py)."""

from .equipment import (  # noqa: F401
    CheckSchedule,
    EquipmentCheck,
    EquipmentItem,
    EquipmentLoan,
    EquipmentType,
    StockTake,
    StockTakeLine,
)
from .operations import (  # noqa: F401
    Dispatch,
    Drill,
    DrillFinding,
    DutyShift,
    Incident,
    IncidentEvent,
)
from .teams import (  # noqa: F401
    Assessment,
    Certificate,
    Member,
    ScoringRule,
    Team,
    TeamContact,
    TeamUnit,
    Training,
)
