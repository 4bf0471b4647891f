"""Pages of bulletins (in the ``reports`` namespace)."""

urlpatterns: list = []
