"""API of bulletins."""

from ninja import Router

router = Router(tags=["bulletins"])
