from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.registry.models import Enterprise, HazardSource

from .choices import DisposalCause
from .models import Gateway, Sensor
from .services import SENSOR_FIELDS


class SensorForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("enterprise"))

    class Meta:
        model = Sensor
        fields = ("enterprise", *SENSOR_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.visible_to(user)
        self.fields["enterprise"].queryset = enterprises
        self.fields["gateway"].queryset = Gateway.objects.visible_to(user)
        self.fields["hazard_source"].queryset = HazardSource.objects.visible_to(user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)


class DisposeForm(forms.Form):
    cause = forms.ChoiceField(label=_("cause"), choices=DisposalCause.choices)
    measures = forms.CharField(label=_("measures taken"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("attachment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].widget.attrs["class"] = "form-select"
        self.fields["measures"].widget.attrs["class"] = "form-control"
        self.fields["attachment"].widget.attrs["class"] = "form-control"
