"""JSON Patch (RFC 6902) on a DTO document, as ASP.NET Core applies it to PowerOffice's patch DTOs.

Property names match case-insensitively (the real API binds them that way). The caller validates the patched
document against the DTO's fields, so an `add` of an unknown property is refused there, not here.
"""

from __future__ import annotations

from typing import Any

import orjson

OPS = ("add", "remove", "replace", "move", "copy", "test")


class PatchError(ValueError):
    """An operation that cannot be applied; the message is the one the API returns."""


def apply(document: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """The document with every operation applied, in order (the input is not changed)."""
    result: dict[str, Any] = orjson.loads(orjson.dumps(document))
    for operation in operations:
        _apply_one(result, operation)
    return result


def _apply_one(document: dict[str, Any], operation: Any) -> None:
    if not isinstance(operation, dict) or not isinstance(operation.get("path"), str):
        raise PatchError("Each operation must be an object with 'op' and 'path'.")
    op = str(operation.get("op", "")).lower()
    if op not in OPS:
        raise PatchError(f"Invalid JsonPatch operation '{operation.get('op')}'.")
    path = operation["path"]
    if op in ("add", "replace", "test") and "value" not in operation:
        raise PatchError(f"The '{op}' operation at path '{path}' needs a 'value'.")
    if op in ("move", "copy") and not isinstance(operation.get("from"), str):
        raise PatchError(f"The '{op}' operation at path '{path}' needs a 'from' path.")
    if op == "add":
        _add(document, path, operation["value"])
    elif op == "remove":
        _remove(document, path)
    elif op == "replace":
        _get(document, path)  # replace needs an existing target
        _remove(document, path)
        _add(document, path, operation["value"])
    elif op == "test":
        current = _get(document, path)
        if current != operation["value"]:
            raise PatchError(
                f"The current value '{current}' at path '{path}' is not equal to the test value '{operation['value']}'."
            )
    else:
        value = _get(document, operation["from"])
        if op == "move":
            _remove(document, operation["from"])
        _add(document, path, orjson.loads(orjson.dumps(value)))


def _segments(path: str) -> list[str]:
    if not path.startswith("/") or path == "/":
        raise PatchError(f"The path '{path}' is not a JSON pointer to a property.")
    return [s.replace("~1", "/").replace("~0", "~") for s in path[1:].split("/")]


def _key(container: dict[str, Any], segment: str) -> str | None:
    """The container's key for a path segment, matched case-insensitively; None when it has none."""
    if segment in container:
        return segment
    lowered = segment.lower()
    return next((k for k in container if k.lower() == lowered), None)


def _parent(document: dict[str, Any], path: str) -> tuple[Any, str]:
    """The container holding the path's last segment, and that segment."""
    *walk, last = _segments(path)
    node: Any = document
    for segment in walk:
        node = _child(node, segment)
    if not isinstance(node, dict | list):
        raise PatchError(f"The target location specified by path segment '{last}' was not found.")
    return node, last


def _child(node: Any, segment: str) -> Any:
    if isinstance(node, dict):
        key = _key(node, segment)
        if key is not None and node[key] is not None:
            return node[key]
    elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
        return node[int(segment)]
    raise PatchError(f"The target location specified by path segment '{segment}' was not found.")


def _get(document: dict[str, Any], path: str) -> Any:
    node, last = _parent(document, path)
    if isinstance(node, dict):
        key = _key(node, last)
        if key is None:
            raise PatchError(f"The target location specified by path segment '{last}' was not found.")
        return node[key]
    return _child(node, last)


def _add(document: dict[str, Any], path: str, value: Any) -> None:
    node, last = _parent(document, path)
    if isinstance(node, dict):
        node[_key(node, last) or last] = value
        return
    if last == "-":
        node.append(value)
    elif last.isdigit() and int(last) <= len(node):
        node.insert(int(last), value)
    else:
        raise PatchError(f"The index value provided by path segment '{last}' is out of bounds of the array size.")


def _remove(document: dict[str, Any], path: str) -> None:
    """Removing a DTO property sets it to null (a class property cannot vanish); list items go away."""
    node, last = _parent(document, path)
    if isinstance(node, dict):
        key = _key(node, last)
        if key is None:
            raise PatchError(f"The target location specified by path segment '{last}' was not found.")
        node[key] = None
        return
    _child(node, last)
    del node[int(last)]
