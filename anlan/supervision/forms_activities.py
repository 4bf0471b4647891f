"""Forms of the training, expert-visit, campaign and activity pages. They only collect and type
the input; the rules live in ``activities`` (the services), whose errors land on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.models import Region
from anlan.registry.models import Enterprise

from . import activities as services
from .choices import ItemState
from .models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    MemberUnit,
    TrainingSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Styled:
    def _style(self):
        for name, f in self.fields.items():
            widget = f.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)
            if isinstance(f, forms.IntegerField | forms.DecimalField):
                widget.attrs.setdefault("inputmode", "numeric")
            if name in ("sessions", "participants", "events", "materials", "problems_found"):
                f.min_value = None  # the service names a negative count itself
                f.validators = [v for v in f.validators if type(v).__name__ != "MinValueValidator"]


class TrainingForm(_Styled, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = services.TRAINING_FIELDS
        widgets = {"date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = services.regions_for(user)
        self.fields["organiser"].queryset = services.organisers_for(user)
        if user.role == "enterprise_safety":
            del self.fields["region"]
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by(
                "name"
            )
            self.fields["enterprise"].help_text = _(
                "For an enterprise's own training; the region then is the enterprise's."
            )
        self._style()

    def _post_clean(self):
        """The services validate the record (naming each field); skip the model's own pass."""


class VisitForm(_Styled, forms.ModelForm):
    class Meta:
        model = ExpertVisit
        fields = services.VISIT_FIELDS
        widgets = {"date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        self.fields["organiser"].queryset = services.organisers_for(user)
        self._style()

    def _post_clean(self):
        pass


class ActivityForm(_Styled, forms.ModelForm):
    class Meta:
        model = CampaignActivity
        fields = services.ACTIVITY_FIELDS
        widgets = {"date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user)
        self.fields["region"].queryset = services.regions_for(user)
        self.fields["organiser"].queryset = services.organisers_for(user)
        self._style()

    def _post_clean(self):
        pass


class CampaignForm(_Styled, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = services.CAMPAIGN_FIELDS
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = services.regions_for(user).filter(
            level__in=["city", "county"]
        )
        self._style()

    def _post_clean(self):
        pass


class ItemForm(_Styled, forms.ModelForm):
    class Meta:
        model = CampaignItem
        fields = (*services.ITEM_FIELDS[:2], "units", *services.ITEM_FIELDS[2:])
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Empty: the next number.")
        self.fields["units"].queryset = MemberUnit.objects.filter(
            committee_region__prefix__startswith=campaign.region.prefix, active=True
        )
        self.fields["units"].widget.attrs["size"] = 6
        self.fields["state"].required = False
        self.fields["state"].help_text = _("Empty: follows the progress.")
        self.fields["progress"].max_value = None
        self.fields["progress"].validators = []
        self._style()

    def _post_clean(self):
        pass


class ProgressForm(forms.Form):
    progress = forms.IntegerField(
        label=_("progress (%)"), widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[("", _("Follows the progress")), *ItemState.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("progress"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


def region_choices(user):
    return [(r.code, f"{r.code} {r.name}") for r in services.regions_for(user)]


__all__ = [
    "ActivityForm",
    "CampaignForm",
    "ItemForm",
    "ProgressForm",
    "Region",
    "TrainingForm",
    "VisitForm",
]
