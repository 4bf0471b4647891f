"""API of assessment schemes and assessments."""

from ninja import Router

router = Router(tags=["assessments"])
