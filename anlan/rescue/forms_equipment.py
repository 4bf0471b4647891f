"""Forms of the equipment and drill pages; every rule is checked again by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.models import Region
from anlan.hazards.choices import HazardCategory, HazardLevel
from anlan.registry.models import Enterprise

from .choices import (
    CheckKind,
    CheckResult,
    DrillKind,
    EquipmentCategory,
    ItemStatus,
    TeamStatus,
)
from .models import EquipmentType, Team
from .services_equipment import managed_teams

DATE = {"type": "date"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class TypeForm(BootstrapForm):
    name = forms.CharField(label=_("name"), max_length=100)
    model = forms.CharField(label=_("model"), max_length=50, required=False)
    category = forms.ChoiceField(label=_("category"), choices=EquipmentCategory.choices)
    unit = forms.CharField(label=_("unit of count"), max_length=10, required=False)
    shareable = forms.BooleanField(label=_("may join the shared pool"), required=False)


class ScheduleForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("check"), choices=CheckKind.choices)
    interval_days = forms.IntegerField(
        label=_("every (days)"),
        required=False,
        help_text=_("Leave empty to remove the check."),
    )


class ItemForm(BootstrapForm):
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none())
    equipment_type = forms.ModelChoiceField(
        label=_("equipment type"), queryset=EquipmentType.objects.all()
    )
    serial_number = forms.CharField(label=_("serial number"), max_length=50, required=False)
    card_number = forms.CharField(label=_("equipment card number"), max_length=30, required=False)
    quantity = forms.IntegerField(label=_("quantity"), initial=1)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (ItemStatus.IN_SERVICE, ItemStatus.IN_SERVICE.label),
            (ItemStatus.UNDER_REPAIR, ItemStatus.UNDER_REPAIR.label),
        ],
    )
    location = forms.CharField(label=_("kept at"), max_length=100, required=False)
    in_shared_pool = forms.BooleanField(label=_("in the shared pool"), required=False)
    commissioned_on = forms.DateField(
        label=_("in service since"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, user=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = managed_teams(user)
        if item is not None:  # the team and the type of an existing item are not changed
            for name in ("team", "equipment_type"):
                self.fields[name].disabled = True
                self.fields[name].required = False


class CheckForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("check"), choices=CheckKind.choices)
    checked_at = _datetime(_("checked at"))
    checker = forms.CharField(label=_("checked by"), max_length=50)
    result = forms.ChoiceField(label=_("result"), choices=CheckResult.choices)
    readings = forms.CharField(label=_("readings"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("checked_at", _now())


class LoanForm(BootstrapForm):
    borrower = forms.ModelChoiceField(label=_("borrowing team"), queryset=Team.objects.none())
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    due_back_on = forms.DateField(label=_("due back on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(status=TeamStatus.ACTIVE)
        if item is not None:
            teams = teams.exclude(pk=item.team_id)
        self.fields["borrower"].queryset = teams


class ReturnForm(BootstrapForm):
    condition = forms.CharField(label=_("condition on return"), max_length=200)


class StockTakeForm(BootstrapForm):
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none())
    taken_by = forms.CharField(label=_("counted by"), max_length=100)
    taken_on = forms.DateField(
        label=_("taken on"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = managed_teams(user)


class DrillForm(BootstrapForm):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=DrillKind.choices)
    scenario = forms.CharField(
        label=_("scenario"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    teams = forms.ModelMultipleChoiceField(
        label=_("teams"), queryset=Team.objects.none(), widget=forms.SelectMultiple
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("enterprises"), queryset=Enterprise.objects.none(), required=False
    )
    planned_for = _datetime(_("planned for"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
        )
        self.fields["teams"].queryset = Team.objects.filter(status=TeamStatus.ACTIVE)
        self.fields["enterprises"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        for name in ("teams", "enterprises"):
            self.fields[name].widget.attrs["size"] = 5


class HeldForm(BootstrapForm):
    started_at = _datetime(_("started at"))
    ended_at = _datetime(_("ended at"))
    participants = forms.IntegerField(label=_("participants"), min_value=1)
    evaluation = forms.CharField(
        label=_("evaluation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    score = forms.IntegerField(label=_("score"), required=False, min_value=0, max_value=100)


class FindingForm(BootstrapForm):
    description = forms.CharField(
        label=_("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("Choose an enterprise to open a hazard there; otherwise it is a task."),
    )
    category = forms.ChoiceField(
        label=_("hazard category"), choices=HazardCategory.choices, initial="management"
    )
    level = forms.ChoiceField(
        label=_("hazard level"), choices=HazardLevel.choices, initial="general"
    )
    task_owner = forms.CharField(label=_("task owner"), max_length=100, required=False)
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, drill=None, **kwargs):
        super().__init__(*args, **kwargs)
        if drill is not None:
            self.fields["enterprise"].queryset = drill.enterprises.all()
