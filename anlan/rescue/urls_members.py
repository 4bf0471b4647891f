"""Member, training, certificate and assessment pages (included by urls.py, namespace rescue)."""

urlpatterns: list = []
