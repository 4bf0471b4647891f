"""API of ledger exports with chosen columns."""

from ninja import Router

router = Router(tags=["exports"])
