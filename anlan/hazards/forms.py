from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.forms import style_fields
from anlan.core.models import Region
from anlan.registry.models import Enterprise

from .choices import HazardLevel
from .models import Hazard, RectificationPlan, RewardPolicy
from .services import PLAN_FIELDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is checked by content in the service layer."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class HazardReportForm(forms.ModelForm):
    found_at = forms.DateTimeField(
        label=_("found at"),
        initial=timezone.now,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    photos = MultipleFileField(label=_("Photos"), required=False)

    class Meta:
        model = Hazard
        fields = [
            "enterprise",
            "place_name",
            "region",
            "address",
            "description",
            "category",
            "level",
            "channel",
            "found_at",
            "found_by",
            "basis",
            "longitude",
            "latitude",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
        )
        self.fields["region"].label_from_instance = lambda r: r.full_name
        self.fields["region"].required = False
        self.fields["region"].help_text = _("Needed only for a place with no enterprise.")
        self.fields["photos"].widget.attrs["capture"] = "environment"
        style_fields(self)


class PlanForm(forms.ModelForm):
    class Meta:
        model = RectificationPlan
        fields = list(PLAN_FIELDS)
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "contingency": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "interim_measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard.level != HazardLevel.MAJOR:
            for name in RectificationPlan.MAJOR_FIELDS:
                del self.fields[name]
        style_fields(self)


class RewardPolicyForm(forms.ModelForm):
    class Meta:
        model = RewardPolicy
        exclude = ["updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
