"""Rescue pages: the team board."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Team


@login_required
def board(request):
    teams = Team.objects.visible_to(request.user)
    return render(request, "rescue/board.html", {"teams": teams})
