from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.forms import style_fields
from anlan.core.models import Region
from anlan.core.validators import normalize_mobile

from . import services
from .choices import EnterpriseRiskFlag
from .models import Enterprise, HazardSource, ResponsiblePerson


class EnterpriseForm(forms.ModelForm):
    risk_flags = forms.MultipleChoiceField(
        label=_("risk flags"),
        choices=EnterpriseRiskFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Enterprise
        fields = list(services.ENTERPRISE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
            .order_by("code")
        )
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.full_name}"
        if self.instance.pk:
            self.initial["risk_flags"] = list(
                self.instance.risk_flags.values_list("code", flat=True)
            )
        style_fields(self)

    def clean_uscc(self):
        return self.cleaned_data["uscc"].replace(" ", "").upper()


class PersonForm(forms.ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["name", "post", "id_number", "mobile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_id_number(self):
        return self.cleaned_data["id_number"].replace(" ", "").upper()

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


class HazardSourceForm(forms.ModelForm):
    class Meta:
        model = HazardSource
        fields = [
            "name",
            "code",
            "level",
            "principal",
            "technical_lead",
            "operations_lead",
            "description",
        ]

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        persons = enterprise.responsible_persons.all()
        for name in HazardSource.GUARANTOR_FIELDS:
            self.fields[name].queryset = persons
        style_fields(self)
        self.fields["description"].widget.attrs["rows"] = 3


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel ledger (.xlsx)"))
    partial = forms.BooleanField(
        label=_("Import the good rows and report the rest"),
        required=False,
        help_text=_("By default one bad cell stops the whole import and nothing is saved."),
    )
