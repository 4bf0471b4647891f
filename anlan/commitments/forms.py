from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.forms import style_fields
from anlan.registry.models import Enterprise, HazardSource

from .models import SafetyCommitment, WorkPermit
from .services import COMMITMENT_FIELDS, PERMIT_FIELDS


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = SafetyCommitment
        fields = COMMITMENT_FIELDS
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "unsafe_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.NumberInput):
                field.widget.attrs.update(min=0, inputmode="numeric")
                field.required = False  # left empty: 0

    def _post_clean(self):
        # The model's cross-field rules run in the service, which reports them on the fields.
        pass


class PermitForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("enterprise"))

    class Meta:
        model = WorkPermit
        fields = ("enterprise", *PERMIT_FIELDS)
        widgets = {
            "planned_start": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "planned_end": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()
        self.fields["hazard_source"].queryset = HazardSource.objects.filter(
            enterprise__in=enterprises
        )
        for name in ("planned_start", "planned_end"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        style_fields(self)

    def _post_clean(self):
        pass
