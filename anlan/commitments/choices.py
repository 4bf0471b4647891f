"""Special-operation kinds of GB 30871 (shared by commitments and work permits) and the day
status of an enterprise's commitment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpecialWorkKind(models.TextChoices):
    HOT_SPECIAL = "hot_special", _("Special-grade hot work")
    HOT_1 = "hot_1", _("Grade-1 hot work")
    HOT_2 = "hot_2", _("Grade-2 hot work")
    CONFINED_SPACE = "confined_space", _("Confined-space entry")
    HEIGHT = "height", _("Work at height")
    LIFTING = "lifting", _("Lifting")
    TEMPORARY_POWER = "temporary_power", _("Temporary power")
    EXCAVATION = "excavation", _("Excavation")
    ROAD_CLOSURE = "road_closure", _("Road closure")
    BLIND_PLATE = "blind_plate", _("Blind-plate insertion or removal")


# The commitment's count field for each kind.
KIND_FIELDS = {kind: f"{kind.value}_count" for kind in SpecialWorkKind}


class CommitmentStatus(models.TextChoices):
    ON_TIME = "on_time", _("Committed on time")
    LATE = "late", _("Committed late")
    MISSING = "missing", _("Missing")
    PENDING = "pending", _("Not yet due")


COMMITMENT_STATUS_COLOURS = {
    CommitmentStatus.ON_TIME: "success",
    CommitmentStatus.LATE: "warning",
    CommitmentStatus.MISSING: "danger",
    CommitmentStatus.PENDING: "secondary",
}
