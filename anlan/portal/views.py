"""The public portal: no account needed. Submit a tip-off, follow it by its code and secret,
say it is not fixed, claim a reward; read exposed cases and delisting (摘牌) notices."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anlan.core.forms import add_service_errors
from anlan.core.uploads import check_uploaded_files
from anlan.hazards import rewards, tipoffs
from anlan.hazards.choices import RewardStatus
from anlan.hazards.exposure import delisting_notices
from anlan.hazards.forms import MultipleFileField
from anlan.hazards.models import ExposureCase

from . import guard
from .forms import TipOffForm, TrackForm

log = logging.getLogger(__name__)


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "cases": ExposureCase.objects.published()[:5],
            "delistings": delisting_notices()[:5],
        },
    )


def _too_many(request, template, context):
    context["rate_error"] = _(
        "Too many attempts from your connection. Please try again in an hour."
    )
    return render(request, template, context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def tipoff_new(request):
    # Bound on every POST, an empty one included (the spam check adds its error to the form).
    posted = request.method == "POST"
    form = TipOffForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form, "stamp": guard.form_stamp()}
    if request.method == "POST":
        if guard.limited(request, "tipoff", settings.ANLAN_TIPOFF_RATE):
            return _too_many(request, "portal/tipoff_form.html", context)
        problem = guard.spam_error(request)
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
            try:
                photos = check_uploaded_files(form.cleaned_data["photos"], "photos")
                tip_off, secret = tipoffs.submit_tip_off(data=data, photos=photos)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # Shown once, on the next page, and never put in a URL.
                request.session["portal_new_tipoff"] = {"code": tip_off.code, "secret": secret}
                return redirect("portal:tipoff_created")
    return render(request, "portal/tipoff_form.html", context)


@never_cache
def tipoff_created(request):
    created = request.session.pop("portal_new_tipoff", None)
    if not created:
        return redirect("portal:track")
    return render(request, "portal/tipoff_created.html", created)


def _progress_context(tip_off, secret):
    reward = tip_off.rewards.exclude(status=RewardStatus.REFUSED).first()
    return {
        "tip_off": tip_off,
        "secret": secret,
        "progress": tipoffs.public_progress(tip_off),
        "reward": reward,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """Code and secret travel only in POST bodies, so they stay out of logs and histories."""
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": form})
    rate = settings.ANLAN_TIPOFF_TRACK_RATE
    if guard.limited(request, "track", rate, increment=False):
        return _too_many(request, "portal/track.html", {"form": form})
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": form}, status=400)
    try:
        tip_off = tipoffs.find_by_code(form.cleaned_data["code"], form.cleaned_data["secret"])
    except ValidationError as exc:
        guard.limited(request, "track", rate)  # count the failed attempt
        add_service_errors(form, exc)
        return render(request, "portal/track.html", {"form": form}, status=404)
    secret = tipoffs.normalise_code(form.cleaned_data["secret"])
    context = _progress_context(tip_off, secret)
    action = request.POST.get("action", "")
    if action == "not_fixed":
        try:
            files = MultipleFileField(required=False).clean(request.FILES.getlist("photos"))
            tipoffs.report_not_fixed(
                tip_off=tip_off,
                note=request.POST.get("note", "")[:2000],
                photos=check_uploaded_files(files, "photos"),
            )
        except ValidationError as exc:
            context["action_errors"] = exc.messages
        else:
            context = _progress_context(tip_off, secret)
            context["done"] = _("Thank you. Your tip-off is back under review.")
    elif action == "claim":
        try:
            rewards.claim_reward(
                tip_off=tip_off,
                payee={
                    "name": request.POST.get("payee_name", "")[:60],
                    "mobile": request.POST.get("payee_mobile", "")[:20],
                    "account": request.POST.get("payee_account", "")[:120],
                },
            )
        except ValidationError as exc:
            context["action_errors"] = exc.messages
        else:
            context = _progress_context(tip_off, secret)
            context["done"] = _(
                "Your claim was received. The office will pay it and record it here."
            )
    return render(request, "portal/progress.html", context)


def exposures(request):
    page = Paginator(ExposureCase.objects.published(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/exposures.html", {"page": page})


def exposure_detail(request, pk):
    case = get_object_or_404(ExposureCase.objects.published(), pk=pk)
    return render(request, "portal/exposure_detail.html", {"case": case})


def delistings(request):
    page = Paginator(delisting_notices(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/delistings.html", {"page": page})
