"""API of trainings, expert visits and campaigns."""

from ninja import Router

router = Router(tags=["trainings and campaigns"])
