from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from anlan.hazards.stats import hazard_stats

from .stats import enterprise_stats


@login_required
def dashboard(request):
    return render(
        request,
        "reports/dashboard.html",
        {"stats": enterprise_stats(request.user), "hazards": hazard_stats(request.user)},
    )
