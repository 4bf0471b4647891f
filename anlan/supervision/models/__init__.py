"""The supervision app's models: 包保 checks and the strict list (``guarantee``), the committee's
member units (``units``), 督办 tasks (``tasks``), assessments (``assessment``), and trainings,
expert visits and campaigns (``activities``)."""

from .activities import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    TrainingSession,
)
from .assessment import Assessment, AssessmentScheme, Indicator, Score, ScoreEvidence
from .guarantee import (
    GuaranteeCheck,
    GuaranteeCheckPhoto,
    StrictListEntry,
    end_of_day,
    local_today,
    photo_path,
    start_of_day,
)
from .tasks import SupervisionTask, TaskAssignment, TaskEvidence, late_after
from .units import Duty, MemberUnit

__all__ = [
    "Assessment",
    "AssessmentScheme",
    "Campaign",
    "CampaignActivity",
    "CampaignItem",
    "Duty",
    "ExpertVisit",
    "GuaranteeCheck",
    "GuaranteeCheckPhoto",
    "Indicator",
    "MemberUnit",
    "Score",
    "ScoreEvidence",
    "StrictListEntry",
    "SupervisionTask",
    "TaskAssignment",
    "TaskEvidence",
    "TrainingSession",
    "end_of_day",
    "late_after",
    "local_today",
    "photo_path",
    "start_of_day",
]
