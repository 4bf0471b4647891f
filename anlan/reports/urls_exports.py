"""The ledger export page (in the ``reports`` namespace)."""

urlpatterns: list = []
