from .alerts_setup import world  # noqa: F401
