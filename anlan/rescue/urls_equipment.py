"""Equipment, loan, stock-take and drill pages (included by urls.py, namespace rescue)."""

urlpatterns: list = []
