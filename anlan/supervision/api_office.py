"""API of member units, duty lists and 督办 tasks."""

from ninja import Router

router = Router(tags=["committee office"])
