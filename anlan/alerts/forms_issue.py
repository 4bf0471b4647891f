"""The form of a warning the bureau drafts. It only shapes the input; issuing.py checks the
rules (colours of a signal, times in order, polygons, jurisdiction) and names the field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.forms import style_fields

from . import issuing
from .choices import Category, Certainty, Colour, Severity, SignalType, Urgency

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


def _blank(label, choices):
    return [("", label), *choices]


class DraftForm(forms.Form):
    signal_type = forms.ChoiceField(label=_("signal"), choices=_blank("—", SignalType.choices))
    colour = forms.ChoiceField(
        label=_("level"),
        choices=_blank("—", Colour.choices),
        required=False,
        help_text=_("Required except for a safety reminder (blue by default)."),
    )
    status = forms.ChoiceField(
        label=_("CAP status"),
        choices=[(s, s.label) for s in issuing.ISSUE_STATUSES],
        initial="Actual",
    )
    region = forms.ModelChoiceField(
        label=_("issuing region"), queryset=None, required=False, help_text=_("Default: yours.")
    )
    effective = forms.DateTimeField(
        label=_("effective"),
        widget=LocalDateTimeInput(),
        required=False,
        help_text=_("Default: now."),
    )
    onset = forms.DateTimeField(label=_("onset"), widget=LocalDateTimeInput(), required=False)
    expires = forms.DateTimeField(label=_("expires"), widget=LocalDateTimeInput())
    regions = forms.ModelMultipleChoiceField(
        label=_("regions"),
        queryset=None,
        required=False,
        help_text=_("The regions the warning covers (hold Ctrl or ⌘ to choose several)."),
    )
    polygon = forms.CharField(
        label=_("polygon"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("“lat,lon lat,lon …”, the last point repeating the first; one per line."),
    )
    circle = forms.CharField(
        label=_("circle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text=_("“lat,lon radius-in-km”; one per line."),
    )
    area_desc = forms.CharField(
        label=_("area"), required=False, max_length=1000, help_text=_("Default: region names.")
    )
    headline = forms.CharField(
        label=_("headline"),
        required=False,
        max_length=300,
        help_text=_("Default: e.g. 晋中市应急管理局发布寒潮黄色预警."),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    instruction = forms.CharField(
        label=_("instruction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(
        label=_("category"), choices=_blank(_("Default"), Category.choices), required=False
    )
    urgency = forms.ChoiceField(
        label=_("urgency"), choices=_blank(_("Default"), Urgency.choices), required=False
    )
    certainty = forms.ChoiceField(
        label=_("certainty"), choices=_blank(_("Default"), Certainty.choices), required=False
    )
    severity = forms.ChoiceField(
        label=_("severity"),
        choices=_blank(_("Default"), Severity.choices),
        required=False,
        help_text=_("Default: from the colour."),
    )
    headline_en = forms.CharField(label=_("headline (English)"), required=False, max_length=300)
    description_en = forms.CharField(
        label=_("description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    instruction_en = forms.CharField(
        label=_("instruction (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = issuing._regions_in_scope(user).order_by("code")
        self.fields["region"].queryset = regions.filter(
            level__in=(RegionLevel.CITY, RegionLevel.COUNTY)
        )
        self.fields["regions"].queryset = regions.filter(
            level__in=(RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
        )
        for name in ("region", "regions"):
            self.fields[name].label_from_instance = lambda r: f"{r.code} {r.full_name or r.name}"
        self.fields["regions"].widget.attrs["size"] = 8
        style_fields(self)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["regions"] = list(data["regions"] or [])
        return data


def initial_of(values: dict) -> dict:
    """A draft's values (issuing.values_of) as the form's initial values."""
    initial = dict(values)
    for name in ("effective", "onset", "expires"):
        if initial.get(name):
            initial[name] = timezone.localtime(initial[name]).strftime(LOCAL_INPUT)
    initial.pop("note", None)
    return initial
