"""Pages of trainings, expert visits and campaigns (in the ``supervision`` namespace)."""

urlpatterns: list = []
