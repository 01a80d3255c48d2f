"""The API's documentation page, written from its own OpenAPI document: no script, nothing from elsewhere, so it works
under the strict Content-Security-Policy and offline."""

from __future__ import annotations

from typing import Any


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"a list of {name or schema.get('items', {}).get('type', 'items')}"
    return name or str(schema.get("type", "object"))


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the document, with its parameters and answers, in the order the document lists them."""
    found = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter.get("in", ""),
                    "required": parameter.get("required", False),
                    "description": parameter.get("description") or parameter.get("schema", {}).get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ]
            answers = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {}).get("schema", {})
                answers.append({"status": status, "description": response.get("description", ""), "schema": _schema_name(content) if content else ""})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "scope": _scope(operation),
                    "parameters": parameters,
                    "answers": answers,
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                }
            )
    return found


def _scope(operation: dict[str, Any]) -> str:
    tag = (operation.get("tags") or [""])[0]
    return {"Register": "register", "Agreements": "agreements", "Grants": "grants", "Open data": "opendata"}.get(tag, "")


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The response shapes: each field, its type and what it means."""
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        fields = []
        for field, spec in schema.get("properties", {}).items():
            kind = spec.get("type") or _schema_name(spec) or " or ".join(str(option.get("type", _schema_name(option))) for option in spec.get("anyOf", []))
            fields.append({"name": field, "type": kind, "description": spec.get("description", "")})
        found.append({"name": name, "fields": fields})
    return found
