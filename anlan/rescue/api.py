"""Rescue API: teams, duty, incidents, dispatch recommendation, coverage."""

from ninja import Router

router = Router(tags=["rescue"])
