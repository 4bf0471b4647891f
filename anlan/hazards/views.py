from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.downloads import xlsx_response
from anlan.core.forms import add_service_errors
from anlan.core.models import Region
from anlan.core.uploads import check_uploaded_files
from anlan.registry.choices import EnterpriseIndustry

from . import exposure, rewards, services
from .choices import HazardChannel, HazardLevel, HazardStatus
from .counts import CappedPaginator, ledger_counts
from .duplicates import possible_duplicates
from .excel import export_hazards
from .filters import HazardFilter
from .forms import HazardReportForm, MultipleFileField, PlanForm
from .models import Hazard


def _visible(request):
    return Hazard.objects.visible_to(request.user).select_related("region", "enterprise")


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def hazard_list(request):
    flt = HazardFilter.from_params(request.GET)
    for message in flt.errors.values():
        messages.error(request, message)
    base = _visible(request)
    qs = flt.apply(base)
    page = CappedPaginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_query = query.copy()
    status_query.pop("status", None)
    counts = ledger_counts(flt.apply(base, with_status=False))
    return render(
        request,
        "hazards/hazard_list.html",
        {
            "page": page,
            "filter": flt,
            "query": query.urlencode(),
            "status_query": status_query.urlencode(),
            "counts": [(s, label, counts.label(s)) for s, label in HazardStatus.choices],
            "total": counts.label("total"),
            "count_limit": f"{counts.limit:,}",
            "levels": HazardLevel.choices,
            "channels": HazardChannel.choices,
            "industries": EnterpriseIndustry.choices,
            "regions": Region.objects.visible_to(request.user)
            .filter(level__in=["city", "county", "township"])
            .order_by("code"),
        },
    )


@login_required
def hazard_export(request):
    """The ledger as Excel: the same rows as the list with the same filters."""
    flt = HazardFilter.from_params(request.GET)
    return xlsx_response(export_hazards(flt.apply(_visible(request))), "hazards")


@login_required
def hazard_report(request):
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            photos = check_uploaded_files(form.cleaned_data["photos"], "photos")
            hazard = services.report_hazard(user=request.user, data=data, photos=photos)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reported as %(code)s.") % {"code": hazard.code})
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, "hazards/hazard_report.html", {"form": form})


@login_required
def hazard_detail(request, pk):
    hazard = get_object_or_404(_visible(request).select_related("plan", "listing"), pk=pk)
    context = _detail_context(request, hazard)
    if hazard.status == HazardStatus.REPORTED and context["can_govern"]:
        context["duplicates"] = possible_duplicates(hazard, user=request.user)
    if hazard.status == HazardStatus.VERIFIED and context["can_govern"]:
        context["plan_form"] = PlanForm(hazard=hazard, instance=getattr(hazard, "plan", None))
    return render(request, "hazards/hazard_detail.html", context)


ACTIONS = {
    "verify",
    "reject",
    "merge",
    "plan",
    "listing",
    "extension",
    "decide_extension",
    "start",
    "request_acceptance",
    "accept",
    "fail",
    "photos",
}


@login_required
@require_POST
def hazard_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    hazard = get_object_or_404(_visible(request).select_related("plan"), pk=pk)
    user, post = request.user, request.POST
    reason = post.get("reason", "")[:2000]
    try:
        if action == "verify":
            level = post.get("level") or None
            services.verify_hazard(hazard=hazard, user=user, level=level, reason=reason)
        elif action == "reject":
            services.reject_hazard(hazard=hazard, user=user, reason=reason)
        elif action == "merge":
            code = post.get("into", "").strip()
            into = _visible(request).filter(code=code).first()
            if into is None:
                raise ValidationError({"into": _("No such hazard in your jurisdiction.")})
            services.merge_hazard(hazard=hazard, into=into, user=user, reason=reason)
        elif action == "plan":
            form = PlanForm(post, hazard=hazard, instance=getattr(hazard, "plan", None))
            if not form.is_valid():
                return render(
                    request,
                    "hazards/hazard_detail.html",
                    {**_detail_context(request, hazard), "plan_form": form},
                    status=200,
                )
            services.assign_plan(hazard=hazard, user=user, plan=form.cleaned_data, reason=reason)
        elif action == "listing":
            authority = Region.objects.filter(code=post.get("authority", "")).first()
            try:
                deadline = parse_date(post.get("deadline") or "")
            except ValueError:
                deadline = None
            services.list_for_supervision(
                hazard=hazard, user=user, authority=authority, deadline=deadline
            )
        elif action == "extension":
            try:
                new_deadline = parse_date(post.get("new_deadline") or "")
            except ValueError:
                new_deadline = None
            services.request_extension(
                hazard=hazard, user=user, new_deadline=new_deadline, reason=reason
            )
        elif action == "decide_extension":
            extension = get_object_or_404(hazard.extensions, pk=post.get("extension") or 0)
            services.decide_extension(
                extension=extension, user=user, approve=post.get("approve") == "1", note=reason
            )
        elif action == "start":
            services.start_rectifying(hazard=hazard, user=user, reason=reason)
        elif action == "request_acceptance":
            files = MultipleFileField(required=False).clean(request.FILES.getlist("evidence"))
            services.request_acceptance(
                hazard=hazard,
                user=user,
                reason=reason,
                evidence=check_uploaded_files(files, "evidence"),
            )
        elif action == "accept":
            services.accept_hazard(hazard=hazard, user=user, reason=reason)
        elif action == "fail":
            services.fail_acceptance(hazard=hazard, user=user, reason=reason)
        elif action == "photos":
            files = MultipleFileField(required=False).clean(request.FILES.getlist("photos"))
            services.add_photos(
                hazard=hazard, user=user, photos=check_uploaded_files(files, "photos")
            )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not make this change."))
    else:
        messages.success(
            request,
            _("Done: %(code)s is now “%(status)s”.")
            % {"code": hazard.code, "status": hazard.get_status_display()},
        )
    return redirect("hazards:detail", pk=hazard.pk)


def _detail_context(request, hazard):
    user = request.user
    return {
        "hazard": hazard,
        "plan": getattr(hazard, "plan", None),
        "transitions": hazard.transitions.select_related("actor").prefetch_related("attachments"),
        "attachments": hazard.attachments.all(),
        "can_govern": services.can_govern(user, hazard),
        "can_rectify": services.can_rectify(user, hazard),
        "can_accept": services.can_accept(user, hazard),
        "levels": HazardLevel.choices,
        "listing": getattr(hazard, "listing", None),
        "extensions": hazard.extensions.select_related("requested_by", "decided_by"),
        "can_list": services.can_list(user, hazard)
        and getattr(hazard, "listing", None) is None
        and hazard.is_open
        and hazard.status != HazardStatus.REPORTED,
        "clauses": hazard.clauses.select_related("standard"),
        "tip_offs": hazard.tip_offs.visible_to(user),
        "hazard_rewards": hazard.rewards.visible_to(user),
        "can_internal_reward": hazard.enterprise is not None
        and rewards.can_manage_internal(user, hazard.enterprise),
        "can_publish": exposure.can_publish(user, hazard)
        and hazard.status not in exposure.NOT_PUBLISHABLE,
        "exposures": hazard.exposures.all(),
        "authorities": [
            r
            for r in hazard.region.ancestors() + [hazard.region]
            if r.level in ("county", "city") and (user.is_superuser or r.contains(hazard.region))
        ],
    }


@login_required
def attachment_download(request, pk, attachment_pk):
    hazard = get_object_or_404(_visible(request), pk=pk)
    attachment = get_object_or_404(hazard.attachments, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.original_name,
        as_attachment=attachment.content_type == "application/pdf",
    )
