"""Warning pages: the list, a warning's board, import and the sensitivity matrix."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Alert


@login_required
def alert_list(request):
    alerts = Alert.objects.visible_to(request.user).filter(is_latest=True)[:200]
    return render(request, "alerts/list.html", {"alerts": alerts})
