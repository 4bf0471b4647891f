"""Schema-valid request bodies for API operations, from the OpenAPI document.

A refused request must be refused by the permission check, not by the body's validation, so
each change is sent with the smallest body its schema accepts."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

DAY = dt.date(2026, 1, 5)


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            merged = {k: v for k, v in schema.items() if k != combined}
            return {**_resolve(options[0], components), **merged}
    return schema


def example(schema: dict, components: dict, *, files: bool = False):
    schema = _resolve(schema, components)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "string":
        if schema.get("format") == "binary":
            return SimpleUploadedFile("matrix.txt", b"matrix", content_type="text/plain")
        if schema.get("format") == "date":
            return DAY.isoformat()
        if schema.get("format") == "date-time":
            return f"{DAY.isoformat()}T08:00:00+08:00"
        return "1" * max(1, schema.get("minLength", 1))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        if schema.get("minItems") or files:
            return [example(schema.get("items", {}), components, files=files)]
        return []
    properties = schema.get("properties", {})
    return {
        name: example(properties[name], components, files=files)
        for name in schema.get("required", [])
        if name in properties
    }


def request_body(operation: dict, components: dict) -> dict:
    """Keyword arguments for the test client: ``data`` and ``content_type``."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"]["schema"], components)
        return {"data": json.dumps(body), "content_type": "application/json"}
    for form in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if form in content:
            body = example(content[form]["schema"], components, files=True)
            return {"data": body}
    return {"data": "{}", "content_type": "application/json"}
