"""Forms of the assessment pages. The rules live in ``supervision.assessment``; these forms only
parse input, and service errors land on the field they name."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.forms import style_fields
from anlan.core.models import Region
from anlan.hazards.forms import MultipleFileField

from . import metrics
from .choices import (
    AssessmentPeriod,
    IndicatorKind,
    IndicatorSource,
    SchemeAppliesTo,
    ScoringRule,
)


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SchemeForm(_Styled):
    name = forms.CharField(label=_("name"), max_length=120)
    period = forms.ChoiceField(label=_("period"), choices=AssessmentPeriod.choices)
    applies_to = forms.ChoiceField(label=_("applies to"), choices=SchemeAppliesTo.choices)
    full_marks = forms.DecimalField(
        label=_("full marks"), initial=100, min_value=1, max_value=1000, decimal_places=2
    )
    decimals = forms.IntegerField(label=_("decimal places"), initial=1, min_value=0, max_value=2)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    region = forms.ModelChoiceField(
        label=_("committee of"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args, regions=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions
            self.fields["region"].required = True
        if editing:
            self.fields["period"].disabled = True


class CopyForm(_Styled):
    name = forms.CharField(label=_("name of the copy"), max_length=120)
    period = forms.ChoiceField(label=_("period"), choices=AssessmentPeriod.choices)


class IndicatorForm(_Styled):
    parent = forms.TypedChoiceField(
        label=_("in group"), required=False, coerce=int, empty_value=None
    )
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=IndicatorKind.choices)
    weight = forms.DecimalField(
        label=_("points"), min_value=0, max_value=9999, decimal_places=2, initial=0
    )
    source = forms.ChoiceField(label=_("source"), choices=IndicatorSource.choices)
    metric = forms.ChoiceField(label=_("metric"), required=False)
    rule = forms.ChoiceField(label=_("scoring rule"), choices=ScoringRule.choices)
    params = forms.CharField(
        label=_("rule parameters"),
        required=False,
        max_length=1000,
        help_text=_(
            'JSON, e.g. {"floor": 60, "target": 100} (linear), {"per_unit": 2} (per '
            'occurrence), {"threshold": 1, "at_most": false} (threshold).'
        ),
    )
    guidance = forms.CharField(
        label=_("scoring guidance"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, scheme, exclude_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = scheme.indicators.filter(kind=IndicatorKind.GROUP)
        if exclude_pk:
            groups = groups.exclude(pk=exclude_pk)
        self.fields["parent"].choices = [("", _("(top level)"))] + [
            (g.pk, f"{g.code} {g.name}") for g in groups
        ]
        self.fields["metric"].choices = [("", "—")] + metrics.choices()

    def clean_params(self):
        raw = (self.cleaned_data.get("params") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Not valid JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Rule parameters are an object, e.g. {"floor": 60}.'))
        return value

    @staticmethod
    def initial_for(ind) -> dict:
        return {
            "parent": ind.parent_id,
            "code": ind.code,
            "name": ind.name,
            "kind": ind.kind,
            "weight": ind.weight,
            "source": ind.source,
            "metric": ind.metric,
            "rule": ind.rule,
            "params": json.dumps(ind.params, ensure_ascii=False) if ind.params else "",
            "guidance": ind.guidance,
            "order": ind.order,
        }


class ScoreForm(_Styled):
    indicator = forms.TypedChoiceField(label=_("item"), coerce=int)
    value = forms.DecimalField(
        label=_("value"),
        max_digits=12,
        decimal_places=4,
        help_text=_(
            "Points for a directly scored item; a count or rate otherwise; 1 or 0 for a veto."
        ),
    )
    evidence = forms.CharField(
        label=_("evidence"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("files"), required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.pk, f"{i.code} {i.name}") for i in items]


class CommentForm(_Styled):
    comment = forms.CharField(
        label=_("reviewer's comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
