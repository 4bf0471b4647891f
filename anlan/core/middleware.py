import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

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


class DefaultLanguageMiddleware(LocaleMiddleware):
    """The interface speaks LANGUAGE_CODE (Chinese by default) until the user picks another
    language from the menu; the browser's Accept-Language is not consulted, so an officer on an
    English-language browser still gets the Chinese interface the office works in."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not translation.check_for_language(language) or language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulCharactersMiddleware:
    """Refuse a NUL character (\\0) in the path, a query parameter or a JSON body: no field may
    hold one, and PostgreSQL would refuse it deep inside a query. Forms already refuse it field
    by field (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._find(request)
        if where is None:
            return self.get_response(request)
        message = translation.gettext(
            "The request contains a NUL character (\\0) in %(where)s."
        ) % {"where": where[-1]}
        if request.path.startswith("/api/"):
            body = {"detail": [{"loc": list(where), "msg": message, "type": "value_error"}]}
            return JsonResponse(body, status=422)
        return HttpResponseBadRequest(message)

    @staticmethod
    def _find(request) -> tuple[str, ...] | None:
        if "\x00" in request.path:
            return ("path", request.path.replace("\x00", "\\0"))
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return ("query", name.replace("\x00", "\\0"))
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            return ("body",)
        return None


# The largest value of a 64-bit signed integer column (ids, counts): both databases refuse a
# larger one deep inside a query (SQLite's driver with OverflowError, PostgreSQL with an error).
LARGEST_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[+-]?\d{19,}")


class RejectHugeIntegersMiddleware:
    """Refuse a whole number beyond 64 bits in a query parameter or a path segment, naming it,
    before it reaches a view: every id and count in Anlan fits in 64 bits, and no view needs to
    guard each of its integer parameters against the database driver's overflow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._find(request)
        if where is None:
            return self.get_response(request)
        message = translation.gettext("%(where)s: the number is too large.") % {"where": where[-1]}
        if request.path.startswith("/api/"):
            body = {"detail": [{"loc": list(where), "msg": message, "type": "value_error"}]}
            return JsonResponse(body, status=422)
        return HttpResponseBadRequest(message)

    @staticmethod
    def _too_large(value: str) -> bool:
        return bool(_DIGITS.fullmatch(value.strip())) and abs(int(value)) > LARGEST_INTEGER

    @classmethod
    def _find(cls, request) -> tuple[str, ...] | None:
        for segment in request.path.split("/"):
            if cls._too_large(segment):
                return ("path", segment)
        for name, values in request.GET.lists():
            if any(cls._too_large(value) for value in values):
                return ("query", name)
        return None
