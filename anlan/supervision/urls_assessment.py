"""Pages of assessment schemes and assessments (in the ``supervision`` namespace)."""

urlpatterns: list = []
