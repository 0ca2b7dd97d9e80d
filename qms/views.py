"""Read views as JSON: the one shape both adapters give a script.

A view a service returns for ``--format json`` and ``/api`` is a frozen dataclass of plain
values (str, int, bool, dates and times, enums, lists and nested views). The CLI dumps it
with ``as_json``; the API declares the same dataclass as its response model, and FastAPI
dumps it through the same pydantic machinery, so a field has one name and one form in
both places."""

from typing import Any

from pydantic import TypeAdapter

_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(kind: type) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def as_json(view: Any) -> Any:
    """``view`` (a view dataclass, or a list of them) as JSON-ready data."""
    if isinstance(view, list):
        return [as_json(item) for item in view]
    return _adapter(type(view)).dump_python(view, mode="json")
