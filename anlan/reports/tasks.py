"""Background jobs of the reports app (huey finds this module).

Bulletin jobs live in ``jobs_bulletins``."""

from . import jobs_bulletins  # noqa: F401
