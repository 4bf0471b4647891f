from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/accounts/", "/healthz")


class PasswordChangeRequiredMiddleware:
    """Send a user who signed in with a temporary password to change it before anything else.
    (API calls with a token are not affected: tokens are issued to scripts, not to people.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.password_change_required
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)
