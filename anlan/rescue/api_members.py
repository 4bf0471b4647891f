"""Rescue members API, mounted at /api/rescue/ (see anlan/api.py)."""

from ninja import Router

router = Router(tags=["rescue members"])
