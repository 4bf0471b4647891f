"""Forms for teams, duty shifts, incidents, dispatches and the coverage what-if."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Capability, DispatchStage
from .models import DutyShift, Incident, Member, Team, TeamUnit


def bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class TeamForm(forms.ModelForm):
    capabilities = forms.MultipleChoiceField(
        label=_("capabilities"),
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Team
        fields = [
            "name",
            "kind",
            "parent",
            "region",
            "status",
            "staffing",
            "capabilities",
            "base_address",
            "latitude",
            "longitude",
            "co_building_enterprise",
            "government_provides",
            "enterprise_provides",
            "duty_phone",
            "readiness",
            "headcount",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anlan.core.models import Region
        from anlan.registry.models import Enterprise

        self.fields["region"].queryset = Region.objects.filter(level__in=["city", "county"])
        self.fields["co_building_enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["parent"].queryset = Team.objects.exclude(pk=self.instance.pk or 0)
        bootstrap(self)


class ShiftForm(forms.ModelForm):
    class Meta:
        model = DutyShift
        fields = ["day", "shift", "unit", "commander", "phone", "readiness", "readiness_reason"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = TeamUnit.objects.filter(team=team)
        self.fields["commander"].queryset = Member.objects.filter(team=team).exclude(status="left")
        self.fields["day"].initial = timezone.localdate()
        bootstrap(self)


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "title",
            "kind",
            "enterprise",
            "region",
            "place",
            "latitude",
            "longitude",
            "occurred_at",
            "caller",
            "trapped",
            "injured",
            "dead",
            "severity",
            "description",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "latitude": _("Leave empty to use the enterprise's location."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anlan.core.models import Region
        from anlan.registry.models import Enterprise

        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["region"].queryset = Region.objects.exclude(level="village")
        self.fields["region"].required = False
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if not data.get("region") and not data.get("enterprise"):
            self.add_error("region", _("Give the region or the enterprise."))
        return data


class IncidentUpdateForm(forms.Form):
    trapped = forms.IntegerField(label=_("people trapped"), min_value=0, max_value=100000)
    injured = forms.IntegerField(label=_("people injured"), min_value=0, max_value=100000)
    dead = forms.IntegerField(label=_("people dead"), min_value=0, max_value=100000)
    rescued = forms.IntegerField(label=_("people rescued"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DispatchForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    force_reason = forms.CharField(
        label=_("reason for sending off duty"), max_length=300, required=False
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("stage"),
        choices=[(s, label) for s, label in DispatchStage.choices if s != DispatchStage.NOTIFIED],
    )
    at = forms.DateTimeField(
        label=_("at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Default: now"),
    )
    people_rescued = forms.IntegerField(
        label=_("people rescued by the team"), min_value=0, max_value=100000, required=False
    )
    result = forms.CharField(label=_("result"), max_length=2000, required=False)
