"""The public commitment board (公告牌): no account needed. Shows only what the enterprise
announces: counts, states, the commitment text, the principal's name and the time. Never phone
numbers, ID numbers or user names."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from anlan.registry.models import Enterprise

from . import services
from .choices import COMMITMENT_STATUS_COLOURS
from .models import SafetyCommitment


def board(request):
    q = request.GET.get("q", "").strip()[:50]
    rows = services.day_rows(day=timezone.localdate(), enterprises=Enterprise.objects.all())
    rows = services.filter_rows(rows, q=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "commitments/portal_board.html",
        {
            "page": page,
            "q": q,
            "today": timezone.localdate(),
            "colours": COMMITMENT_STATUS_COLOURS,
            "query": urlencode({"q": q}) if q else "",
        },
    )


def board_detail(request, pk: int):
    enterprise = get_object_or_404(services.required(Enterprise.objects.all()), pk=pk)
    today = timezone.localdate()
    history = list(
        SafetyCommitment.objects.filter(
            enterprise=enterprise, day__gt=today - dt.timedelta(days=30)
        ).order_by("-day")
    )
    commitment = next((c for c in history if c.day == today), None)
    status = services.status_of(commitment, today, timezone.now())
    return render(
        request,
        "commitments/portal_detail.html",
        {
            "enterprise": enterprise,
            "today": today,
            "commitment": commitment,
            "history": history,
            "status_label": services.CommitmentStatus(status).label,
            "colour": COMMITMENT_STATUS_COLOURS[status],
            "due": services.due_at(today),
        },
    )
