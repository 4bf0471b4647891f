from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.forms import style_fields
from anlan.core.models import Region
from anlan.hazards.forms import MultipleFileField


def county_choices():
    """Counties grouped by city, for people who know their county but not its code."""
    groups: dict[str, list] = {}
    for county in Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent"):
        groups.setdefault(county.parent.name if county.parent else "", []).append(
            (county.code, county.name)
        )
    return [("", "—")] + [(city, options) for city, options in sorted(groups.items())]


class TipOffForm(forms.Form):
    region = forms.ChoiceField(label=_("County or district"))
    enterprise_name = forms.CharField(
        label=_("Enterprise or unit (if any)"), max_length=200, required=False
    )
    address = forms.CharField(label=_("Where"), max_length=255)
    description = forms.CharField(
        label=_("What is wrong"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw, when, and how often. At least 10 characters."),
    )
    photos = MultipleFileField(label=_("Photos"), required=False)
    reporter_is_employee = forms.BooleanField(
        label=_("I work for the unit I am reporting"), required=False
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        required=False,
        initial=True,
        help_text=_(
            "Anonymous reports are followed and rewarded with the tracking code and secret alone."
        ),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_mobile = forms.CharField(label=_("Your mobile"), max_length=20, required=False)
    reporter_contact = forms.CharField(
        label=_("Other contact (optional)"), max_length=200, required=False
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = county_choices()
        self.fields["photos"].widget.attrs["capture"] = "environment"
        self.fields["photos"].widget.attrs["accept"] = "image/*"
        style_fields(self)
        for name in ("anonymous", "reporter_is_employee"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters"}
        )
        self.fields["secret"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters"}
        )
