import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.models import Region

from .choices import CheckResult, CheckStatus, GuaranteeRole


class CompleteForm(forms.Form):
    result = forms.ChoiceField(
        label=_("result"), choices=CheckResult.choices, widget=forms.RadioSelect
    )
    findings = forms.CharField(
        label=_("findings"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when problems were found."),
    )
    photo = forms.FileField(label=_("photo"), required=False)
    open_hazard = forms.BooleanField(label=_("Open a hazard from these findings"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].widget.attrs["class"] = "form-control"
        self.fields["photo"].widget.attrs.update(
            {"class": "form-control", "accept": "image/*", "capture": "environment"}
        )
        self.fields["open_hazard"].widget.attrs["class"] = "form-check-input"


class CheckFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        Region.objects.none(), label=_("County"), required=False, to_field_name="code"
    )
    role = forms.ChoiceField(
        label=_("role"), required=False, choices=[("", "—"), *GuaranteeRole.choices]
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", "—"), *CheckStatus.choices]
    )
    on = forms.DateField(
        label=_("Period containing"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = (
            Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")

    def apply(self, checks, today: dt.date):
        data = self.cleaned_data
        if data.get("county"):
            checks = checks.filter(
                hazard_source__enterprise__region__prefix__startswith=data["county"].prefix
            )
        if data.get("role"):
            checks = checks.filter(role=data["role"])
        if data.get("status"):
            checks = checks.with_status(data["status"], today)
        if data.get("on"):
            checks = checks.filter(period_start__lte=data["on"], period_end__gte=data["on"])
        return checks
