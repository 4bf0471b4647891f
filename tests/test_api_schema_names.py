"""Every request and answer schema of the API has a name of its own, so the OpenAPI document
(and /api/docs, and the fuzz that reads it) describes each operation's body and answer as it is:
django-ninja keeps one component per name, and the last schema of a name would replace the
others."""

import collections

from ninja import Schema

from anlan.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schemas_share_a_name():
    modules = collections.defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("anlan."):
            modules[schema.__name__].add(schema.__module__)
    shared = {name: sorted(found) for name, found in modules.items() if len(found) > 1}
    assert not shared, shared


def test_the_document_shows_the_hazard_report_body_with_its_own_fields():
    document = api.get_openapi_schema()
    body = document["paths"]["/api/hazards"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = set(document["components"]["schemas"][name]["properties"])
    assert {"enterprise", "found_at", "level", "channel"} <= fields
