"""Issuing pages: the drafts awaiting work or sign-off, the new-warning form, a draft with a
preview of its CAP XML and the buttons of the workflow. Thin: issuing.py decides everything;
look-ups go through ``visible_to`` (out of scope is a 404)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anlan.core.forms import add_service_errors

from . import cap, issuing, services
from .choices import Origin, Stage
from .forms_issue import DraftForm, initial_of
from .models import Alert


def pretty_xml(data: bytes) -> str:
    """Our own CAP XML, indented for reading."""
    root = SafeET.fromstring(data)
    ET.indent(root)
    ET.register_namespace("", cap.NS)
    return ET.tostring(root, encoding="unicode")


def _alert(request, pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.visible_to(request.user).select_related(
            "region", "drafted_by", "published_by", "replaces"
        ),
        pk=pk,
    )


def _is_issuer(user) -> bool:
    return user.role in services.ISSUER_ROLES or user.is_superuser


@login_required
def issue_list(request):
    mine = Alert.objects.visible_to(request.user).filter(origin=Origin.ISSUED)
    return render(
        request,
        "alerts/issue/list.html",
        {
            "drafts": mine.filter(stage=Stage.DRAFT).order_by("-updated_at"),
            "reviews": mine.filter(stage=Stage.REVIEW).order_by("submitted_at"),
            "published": mine.filter(stage=Stage.PUBLISHED).order_by("-published_at")[:20],
            "may_draft": _is_issuer(request.user),
        },
    )


def _form_page(request, form, alert=None):
    return render(request, "alerts/issue/form.html", {"form": form, "alert": alert})


@login_required
def issue_new(request):
    if not _is_issuer(request.user):
        raise PermissionDenied(_("Your role does not issue warnings."))
    form = DraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            alert = issuing.create_draft(user=request.user, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Check the preview, then submit it."))
            return redirect("alerts:issue-detail", alert.pk)
    return _form_page(request, form)


@login_required
def issue_edit(request, pk: int):
    alert = _alert(request, pk)
    if not issuing.may_issue(request.user, alert.region):
        raise PermissionDenied(_("You may not issue warnings for this region."))
    if alert.stage != Stage.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("alerts:issue-detail", alert.pk)
    form = DraftForm(
        request.POST or None, user=request.user, initial=initial_of(issuing.values_of(alert))
    )
    if request.method == "POST" and form.is_valid():
        try:
            issuing.update_draft(user=request.user, alert=alert, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("alerts:issue-detail", alert.pk)
    return _form_page(request, form, alert)


@login_required
def issue_detail(request, pk: int):
    alert = _alert(request, pk)
    may = issuing.may_issue(request.user, alert.region)
    return render(
        request,
        "alerts/issue/detail.html",
        {
            "alert": alert,
            "infos": alert.infos.prefetch_related("areas"),
            "xml": pretty_xml(cap.build(alert)),
            "may_issue": may,
            "may_sign": may and alert.drafted_by_id != request.user.pk,
            "may_replace": may and alert.is_active() and alert.origin == Origin.ISSUED,
            "thread": Alert.objects.filter(thread=alert.root).order_by("sent", "pk")
            if alert.stage == Stage.PUBLISHED
            else [],
        },
    )


ACTIONS = {
    "submit": lambda user, alert, note: issuing.submit(user=user, alert=alert),
    "send-back": lambda user, alert, note: issuing.send_back(user=user, alert=alert, note=note),
    "publish": lambda user, alert, note: issuing.publish(user=user, alert=alert, note=note),
    "update": lambda user, alert, note: issuing.draft_update(user=user, of=alert),
    "cancel": lambda user, alert, note: issuing.draft_cancel(user=user, of=alert, note=note),
}
DONE = {
    "submit": gettext_lazy("Submitted for sign-off."),
    "send-back": gettext_lazy("Sent back to the drafter."),
    "publish": gettext_lazy("Published."),
    "update": gettext_lazy("An Update draft was created; edit it, then submit it."),
    "cancel": gettext_lazy("A Cancel draft was created; submit it for sign-off."),
}


@login_required
@require_POST
def issue_action(request, pk, action: str):
    alert = _alert(request, int(pk))
    try:
        result = ACTIONS[action](request.user, alert, request.POST.get("note", ""))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("alerts:issue-detail", alert.pk)
    messages.success(request, DONE[action])
    return redirect("alerts:issue-detail", result.pk)
