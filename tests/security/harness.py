"""The machinery behind the authorization matrix: what an entry says, which endpoints exist,
who the personas are, and what a persona's request to an endpoint answers.

The entries themselves are in ``matrix.py``; the assertions in ``test_authorization_matrix.py``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.contrib import messages
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anlan.core.choices import UserRole

# What an endpoint does with what it reaches.
LIST, READ, EXPORT, CHANGE = "list", "read", "export", "change"
KINDS = (LIST, READ, EXPORT, CHANGE)

# Sensitive data an endpoint may show.
REPORTER = "reporter"  # a tip-off reporter's identity (name, mobile)
HOUSEHOLD = "household"  # a vulnerable household's personal data (民政)

ALL_ROLES = frozenset(UserRole.values)


@dataclass(frozen=True)
class Who:
    """Who may use an endpoint: anonymous visitors too (``public``), or signed-in users of
    these roles. An endpoint with objects is further limited to the objects the persona sees."""

    public: bool = False
    roles: frozenset = ALL_ROLES

    def allows(self, user) -> bool:
        if user is None:
            return self.public
        return self.public or user.role in self.roles


PUBLIC = Who(public=True)
SIGNED_IN = Who()
NOBODY = Who(roles=frozenset())


def roles(*names) -> Who:
    unknown = set(map(str, names)) - ALL_ROLES
    assert not unknown, f"unknown roles {unknown}"
    return Who(roles=frozenset(map(str, names)))


def all_but(*names) -> Who:
    return Who(roles=ALL_ROLES - set(map(str, names)))


@dataclass(frozen=True)
class Objects:
    """How to pick an object for an endpoint's URL, inside and outside a persona's scope.

    ``visible(user)`` is the queryset of objects the persona may reach (default: the model's
    ``visible_to``); ``args(obj)`` the URL's positional arguments; ``where`` narrows the
    candidates (a state the endpoint needs)."""

    model: str
    visible: Callable | None = None
    args: Callable = lambda obj: (obj.pk,)
    where: dict = field(default_factory=dict)

    def with_args(self, args: Callable) -> Objects:
        return replace(self, args=args)

    def where_(self, **where) -> Objects:
        return replace(self, where=where)

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self):
        return self.model_class._default_manager.filter(**self.where).order_by("pk")

    def visible_pks(self, user):
        if self.visible is not None:
            return self.visible(user).values("pk")
        if user is None:
            return self.model_class._default_manager.none().values("pk")
        return self.model_class._default_manager.visible_to(user).values("pk")

    def inside(self, user):
        return self.queryset().filter(pk__in=self.visible_pks(user)).first()

    def outside(self, user):
        return self.queryset().exclude(pk__in=self.visible_pks(user)).first()


@dataclass(frozen=True)
class Endpoint:
    """One matrix entry: what the endpoint does (``kind``), who may use it, and for URLs that
    name an object, how to pick one. ``args`` are fixed URL arguments for endpoints without
    objects; ``post_only`` marks web forms that answer only POST; ``sensitive`` the personal
    data it may show; ``ok`` the statuses an allowed GET may answer (default 200).

    ``refused_users`` names demo logins refused although their role may use the endpoint (the
    demo's data decides, e.g. a county without assessments); ``validates_first`` marks API
    changes whose minimal body fails validation (400/422) before the role is checked, or
    names objects (id 1) that differ between databases — for those a refused request is only
    shown to change nothing, and an allowed one not to be refused for its role (403). ``names_other_enterprises``
    exempts an endpoint from the scan for other jurisdictions' enterprise names (never from
    the scan for reporters and households)."""

    kind: str
    who: Who
    obj: Objects | None = None
    args: tuple = ()
    query: dict = field(default_factory=dict)
    post_only: bool = False
    sensitive: str = ""
    ok: tuple = ()
    refused_users: tuple = ()
    validates_first: bool = False
    names_other_enterprises: bool = False
    note: str = ""

    def allows(self, user) -> bool:
        if user is not None and user.username in self.refused_users:
            return False
        return self.who.allows(user)

    def __post_init__(self):
        assert self.kind in KINDS, self.kind


def endpoint(kind, who, obj=None, **options) -> Endpoint:
    return Endpoint(kind, who, obj, **options)


# --- What exists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself when unnamed
    route: str
    namespace: str


def url_routes() -> list[Route]:
    """Every URL pattern of the project, nested includes and namespaces resolved."""

    def walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                assert isinstance(pattern, URLPattern)
                route = prefix + str(pattern.pattern)
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Route(key=key if pattern.name else route, route=route, namespace=namespace)

    return list(walk(get_resolver().url_patterns, "/", ""))


def api_operations() -> dict[str, dict]:
    """Every operation of the API's OpenAPI document, keyed "METHOD /api/path/{param}"."""
    from anlan.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def api_route_template(route: str) -> str:
    """``/api/users/<int:user_id>/x`` → ``/api/users/{user_id}/x`` (the OpenAPI spelling)."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


# --- Requests ------------------------------------------------------------------------------

LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


class Rollback(Exception):
    pass


@dataclass
class Answer:
    method: str
    url: str
    status: int
    location: str = ""
    content_type: str = ""
    body: bytes = b""
    error_message: bool = False  # a redirect back with an error ("You may not …")

    @property
    def to_login(self) -> bool:
        return self.status == 302 and self.location.startswith((LOGIN_PATH, ADMIN_LOGIN_PATH))

    def text(self) -> str:
        """The answer's text, Excel and Word files included (for scanning)."""
        kind = self.content_type
        if "spreadsheetml" in kind:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(self.body), read_only=True)
            return "\n".join(
                str(value)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            )
        if "wordprocessingml" in kind:
            with zipfile.ZipFile(io.BytesIO(self.body)) as archive:
                return re.sub(
                    r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8", "replace")
                )
        if kind.startswith("application/json"):
            # Django and ninja escape non-ASCII characters in JSON: compare the decoded text.
            try:
                return json.dumps(json.loads(self.body), ensure_ascii=False)
            except ValueError:
                return self.body.decode("utf-8", "replace")
        if kind.startswith(("text/", "application/xml", "application/atom")):
            return self.body.decode("utf-8", "replace")
        return ""


def answer(response, method: str, url: str) -> Answer:
    body = b"" if getattr(response, "streaming", False) else response.content
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    request = getattr(response, "wsgi_request", None)
    stored = getattr(request, "_messages", None)
    queued = getattr(stored, "_queued_messages", [])
    return Answer(
        error_message=any(m.level >= messages.ERROR for m in queued),
        method=method,
        url=url,
        status=response.status_code,
        location=response.get("Location", ""),
        content_type=response.get("Content-Type", ""),
        body=body,
    )


def send(client: Client, method: str, url: str, *, rollback: bool = False, **kwargs) -> Answer:
    """One request; with ``rollback`` whatever it writes to the database is undone."""
    call = getattr(client, method.lower())
    if not rollback:
        return answer(call(url, **kwargs), method, url)
    result = None
    try:
        with transaction.atomic():
            result = answer(call(url, **kwargs), method, url)
            raise Rollback
    except Rollback:
        pass
    return result


def web_url(name: str, args: tuple) -> str:
    return reverse(name, args=args)


def api_url(template: str, args: tuple) -> str:
    params = re.findall(r"{(\w+)}", template)
    assert len(params) == len(args), (template, args)
    url = template
    for param, value in zip(params, args, strict=True):
        url = url.replace("{" + param + "}", str(value), 1)
    return url
