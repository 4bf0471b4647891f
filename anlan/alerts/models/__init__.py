"""Warning models: CAP messages, their info and area blocks, rejected messages, feeds and the
sensitivity matrix (warnings.py); targets and follow-up (response.py); vulnerable households,
viewings and welfare checks (households.py)."""

from .households import Household, HouseholdViewing, WelfareCheck  # noqa: F401
from .response import AlertFinding, Target  # noqa: F401
from .warnings import (  # noqa: F401
    Alert,
    AlertArea,
    AlertInfo,
    FeedState,
    RejectedMessage,
    SensitivityRule,
)
