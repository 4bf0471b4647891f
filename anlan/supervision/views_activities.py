"""Pages of trainings, expert visits, campaigns and campaign activities: the ledgers (filters
kind/domain, region, date_from, date_to; totals per kind as a chart and a table; Excel export),
the add/edit forms, a campaign with its numbered items and activities, the training import.

Every lookup goes through ``visible_to`` (404 outside the scope); the services decide who may
change what (403)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.downloads import xlsx_response
from anlan.rescue import imports

from . import activities as services
from . import excel_activities as excel
from .choices import ActivityKind, ExpertDomain, TrainingKind
from .forms_activities import (
    ActivityForm,
    CampaignForm,
    ItemForm,
    ProgressForm,
    TrainingForm,
    VisitForm,
    region_choices,
)
from .models import Campaign, CampaignActivity, CampaignItem, ExpertVisit, TrainingSession

PAGE_SIZE = 50


def apply_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _query(request) -> str:
    params = QueryDict(mutable=True)
    for key, value in request.GET.items():
        if key != "page" and value:
            params[key] = value
    return params.urlencode()


def _ledger_context(request, qs, *, kind_field, choices, totals_fn, extra=None):
    qs, applied = services.filter_ledger(
        qs, request.GET, kind_field=kind_field, kind_choices=choices
    )
    totals = totals_fn(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "totals": totals,
        "chart": totals.chart(),
        "applied": applied,
        "kind_value": applied.get(kind_field, ""),
        "choices": choices.choices,
        "kind_field": kind_field,
        "regions": region_choices(request.user),
        "query": _query(request),
    }
    context.update(extra or {})
    return qs, context


# ---------------------------------------------------------------- trainings


def _trainings(request):
    return TrainingSession.objects.visible_to(request.user).select_related(
        "region", "organiser", "enterprise"
    )


@login_required
def training_list(request):
    _qs, context = _ledger_context(
        request,
        _trainings(request),
        kind_field="kind",
        choices=TrainingKind,
        totals_fn=services.training_totals,
        extra={"may_add": services.may_record_any(request.user, "training")},
    )
    return render(request, "supervision/activities/training_list.html", context)


@login_required
def training_export(request):
    qs, _applied = services.filter_ledger(
        _trainings(request), request.GET, kind_field="kind", kind_choices=TrainingKind
    )
    return xlsx_response(excel.export_trainings(qs), "trainings")


@login_required
def training_detail(request, pk: int):
    training = get_object_or_404(_trainings(request), pk=pk)
    return render(
        request,
        "supervision/activities/training_detail.html",
        {"training": training, "may_change": services.may_change(request.user, training)},
    )


def _saved(request, form, save, done: str):
    """Save a valid POSTed ``form`` with ``save(cleaned_data)`` and say ``done``; the record
    saved, or None (not posted, invalid, or refused by the service with field errors put on the
    form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        record = save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, done)
    return record


def _form_page(request, form, title, back):
    return render(
        request,
        "supervision/activities/form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request):
    if not services.may_record_any(request.user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    form = TrainingForm(request.POST or None, user=request.user)
    save = partial(services.record_training, user=request.user)
    if training := _saved(request, form, lambda data: save(data=data), _("Training recorded.")):
        return redirect("supervision:training", pk=training.pk)
    return _form_page(request, form, _("Record a training"), reverse("supervision:trainings"))


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, pk: int):
    training = get_object_or_404(_trainings(request), pk=pk)
    if not services.may_change(request.user, training):
        raise PermissionDenied(_("You may not change this training."))
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    save = partial(services.edit_training, user=request.user, training=training)
    if _saved(request, form, lambda data: save(data=data) or training, _("Training saved.")):
        return redirect("supervision:training", pk=training.pk)
    back = reverse("supervision:training", args=[training.pk])
    return _form_page(request, form, _("Edit the training"), back)


@login_required
@require_POST
def training_delete(request, pk: int):
    training = get_object_or_404(_trainings(request), pk=pk)
    services.delete_training(user=request.user, training=training)
    messages.success(request, _("Training deleted."))
    return redirect("supervision:trainings")


@login_required
def training_template(request):
    if not services.may_record_any(request.user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    return xlsx_response(excel.template(user=request.user), "trainings-template")


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request):
    if not services.may_record_any(request.user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    form = imports.ImportForm(request.POST or None, request.FILES or None)
    del form.fields["partial"]
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
            report = excel.import_trainings(upload.read(), user=request.user)
        except imports.LedgerFileError as exc:
            form.add_error("file", str(exc))
        if report is not None and report.saved:
            messages.success(request, _("Imported %(n)d trainings.") % {"n": report.created})
            return redirect("supervision:trainings")
    return render(
        request,
        "supervision/activities/import.html",
        {"form": form, "report": report},
        status=422 if form.errors or (report and not report.saved) else 200,
    )


# ---------------------------------------------------------------- expert visits


def _visits(request):
    return ExpertVisit.objects.visible_to(request.user).select_related(
        "region", "organiser", "enterprise"
    )


@login_required
def visit_list(request):
    _qs, context = _ledger_context(
        request,
        _visits(request),
        kind_field="domain",
        choices=ExpertDomain,
        totals_fn=services.visit_totals,
        extra={"may_add": services.may_record_any(request.user, "visit")},
    )
    return render(request, "supervision/activities/visit_list.html", context)


@login_required
def visit_export(request):
    qs, _applied = services.filter_ledger(
        _visits(request), request.GET, kind_field="domain", kind_choices=ExpertDomain
    )
    return xlsx_response(excel.export_visits(qs), "expert-visits")


@login_required
def visit_detail(request, pk: int):
    visit = get_object_or_404(_visits(request), pk=pk)
    return render(
        request,
        "supervision/activities/visit_detail.html",
        {
            "visit": visit,
            "hazards": visit.hazards.all(),
            "may_change": services.may_change(request.user, visit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    if not services.may_record_any(request.user, "visit"):
        raise PermissionDenied(_("You may not record expert visits."))
    form = VisitForm(request.POST or None, user=request.user)
    save = partial(services.record_visit, user=request.user)
    if visit := _saved(request, form, lambda data: save(data=data), _("Expert visit recorded.")):
        return redirect("supervision:visit", pk=visit.pk)
    return _form_page(request, form, _("Record an expert visit"), reverse("supervision:visits"))


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int):
    visit = get_object_or_404(_visits(request), pk=pk)
    if not services.may_change(request.user, visit):
        raise PermissionDenied(_("You may not change this visit."))
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    save = partial(services.edit_visit, user=request.user, visit=visit)
    if _saved(request, form, lambda data: save(data=data) or visit, _("Expert visit saved.")):
        return redirect("supervision:visit", pk=visit.pk)
    back = reverse("supervision:visit", args=[visit.pk])
    return _form_page(request, form, _("Edit the expert visit"), back)


@login_required
@require_POST
def visit_delete(request, pk: int):
    visit = get_object_or_404(_visits(request), pk=pk)
    services.delete_visit(user=request.user, visit=visit)
    messages.success(request, _("Expert visit deleted."))
    return redirect("supervision:visits")


# ---------------------------------------------------------------- activities


def _activities(request):
    return CampaignActivity.objects.visible_to(request.user).select_related(
        "region", "organiser", "campaign"
    )


@login_required
def activity_list(request):
    _qs, context = _ledger_context(
        request,
        _activities(request),
        kind_field="kind",
        choices=ActivityKind,
        totals_fn=services.activity_totals,
        extra={
            "may_add": services.may_record_any(request.user, "activity"),
            "campaigns": Campaign.objects.visible_to(request.user),
        },
    )
    return render(request, "supervision/activities/activity_list.html", context)


@login_required
def activity_export(request):
    qs, _applied = services.filter_ledger(
        _activities(request), request.GET, kind_field="kind", kind_choices=ActivityKind
    )
    return xlsx_response(excel.export_activities(qs), "campaign-activities")


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    if not services.may_record_any(request.user, "activity"):
        raise PermissionDenied(_("You may not record activities."))
    initial = {}
    campaign_id = request.GET.get("campaign", "")
    if campaign_id.isdigit():
        initial["campaign"] = int(campaign_id)
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    save = partial(services.record_activity, user=request.user)
    if activity := _saved(request, form, lambda data: save(data=data), _("Activity recorded.")):
        if activity.campaign_id:
            return redirect("supervision:campaign", pk=activity.campaign_id)
        return redirect("supervision:activities")
    return _form_page(request, form, _("Record an activity"), reverse("supervision:activities"))


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = get_object_or_404(_activities(request), pk=pk)
    if not services.may_change(request.user, activity):
        raise PermissionDenied(_("You may not change this activity."))
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    save = partial(services.edit_activity, user=request.user, activity=activity)
    if _saved(request, form, lambda data: save(data=data) or activity, _("Activity saved.")):
        return redirect("supervision:activities")
    return _form_page(request, form, _("Edit the activity"), reverse("supervision:activities"))


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = get_object_or_404(_activities(request), pk=pk)
    services.delete_activity(user=request.user, activity=activity)
    messages.success(request, _("Activity deleted."))
    return redirect("supervision:activities")


# ---------------------------------------------------------------- campaigns


def _campaigns(request):
    return Campaign.objects.visible_to(request.user).select_related("region")


@login_required
def campaign_list(request):
    campaigns = _campaigns(request).prefetch_related("items")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    for campaign in page:
        items = list(campaign.items.all())
        campaign.item_count = len(items)
        campaign.done_count = sum(1 for i in items if i.state == "done")
        campaign.mean_progress = round(sum(i.progress for i in items) / len(items)) if items else 0
    return render(
        request,
        "supervision/activities/campaign_list.html",
        {
            "page": page,
            "query": _query(request),
            "may_add": services.may_manage_campaign(request.user),
        },
    )


@login_required
def campaign_detail(request, pk: int, item_form=None, progress_forms=None, status=200):
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    items = list(campaign.items.prefetch_related("units"))
    for item in items:
        item.may_update = services.may_update_item(request.user, item)
        item.form = (progress_forms or {}).get(item.pk) or ProgressForm(
            initial={"progress": item.progress, "note": item.progress_note},
            prefix=f"item{item.pk}",
        )
    activities = CampaignActivity.objects.visible_to(request.user).filter(campaign=campaign)
    totals = services.activity_totals(activities)
    may_manage = services.may_manage_campaign(request.user, campaign)
    return render(
        request,
        "supervision/activities/campaign_detail.html",
        {
            "campaign": campaign,
            "items": items,
            "progress": services.campaign_progress(campaign),
            "activities": activities.select_related("region", "organiser", "campaign")[:200],
            "totals": totals,
            "chart": totals.chart(),
            "totals_link": reverse("supervision:activities") + f"?campaign={campaign.pk}&",
            "may_manage": may_manage,
            "may_add_activity": services.may_record_any(request.user, "activity"),
            "item_form": item_form or (ItemForm(campaign=campaign) if may_manage else None),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    if not services.may_manage_campaign(request.user):
        raise PermissionDenied(_("You may not create campaigns."))
    form = CampaignForm(request.POST or None, user=request.user)
    save = partial(services.create_campaign, user=request.user)
    done = _("Campaign created; add its items.")
    if campaign := _saved(request, form, lambda data: save(data=data), done):
        return redirect("supervision:campaign", pk=campaign.pk)
    return _form_page(request, form, _("New campaign"), reverse("supervision:campaigns"))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    if not services.may_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    save = partial(services.edit_campaign, user=request.user, campaign=campaign)
    if _saved(request, form, lambda data: save(data=data) or campaign, _("Campaign saved.")):
        return redirect("supervision:campaign", pk=campaign.pk)
    back = reverse("supervision:campaign", args=[campaign.pk])
    return _form_page(request, form, _("Edit the campaign"), back)


@login_required
def campaign_export(request, pk: int):
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    return xlsx_response(excel.export_campaign(campaign), f"campaign-{campaign.pk}")


@login_required
@require_POST
def item_new(request, pk: int):
    campaign = get_object_or_404(_campaigns(request), pk=pk)
    if not services.may_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    form = ItemForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            services.add_item(user=request.user, campaign=campaign, data=data, units=units)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("supervision:campaign", pk=campaign.pk)
    return campaign_detail(request, pk, item_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = get_object_or_404(
        CampaignItem.objects.filter(campaign__in=_campaigns(request)).select_related("campaign"),
        pk=pk,
    )
    if not services.may_manage_campaign(request.user, item.campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    form = ItemForm(request.POST or None, instance=item, campaign=item.campaign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            services.edit_item(user=request.user, item=item, data=data, units=units)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("supervision:campaign", pk=item.campaign_id)
    back = reverse("supervision:campaign", args=[item.campaign_id])
    return _form_page(request, form, _("Edit the item"), back)


@login_required
@require_POST
def item_progress(request, pk: int):
    item = get_object_or_404(
        CampaignItem.objects.filter(campaign__in=_campaigns(request)).select_related("campaign"),
        pk=pk,
    )
    if not services.may_update_item(request.user, item):
        raise PermissionDenied(_("You may not report progress on this item."))
    form = ProgressForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.update_progress(
                user=request.user,
                item=item,
                progress=form.cleaned_data["progress"],
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Progress saved."))
            return redirect("supervision:campaign", pk=item.campaign_id)
    return campaign_detail(request, item.campaign_id, progress_forms={item.pk: form}, status=400)
