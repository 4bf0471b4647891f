"""Pages of member units, duty lists and 督办 tasks (in the ``supervision`` namespace)."""

urlpatterns: list = []
