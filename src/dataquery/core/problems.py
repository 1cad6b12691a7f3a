"""One collector for the problems of a request, so every 422 lists them in one shape.

Each item is `{"field": "<dotted path>"|None, "code": "<stable.code>", "params": {...},
"message": "<English fallback>"}`; the web renders `code` with `params` in the UI language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from dataquery.core.errors import InvalidInput


class CodedValueError(ValueError):
    """A ValueError a pydantic validator raises to give its failure a stable code: the
    validation handler finds it in the error's `ctx["error"]` and reports `code` and `params`
    instead of pydantic's generic `value_error`."""

    def __init__(self, message: str, *, code: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params


class _Pydantic(NamedTuple):
    """Our code for one of pydantic's error types."""

    type: str
    code: str


# The pydantic error types a request can meet, each with the code the web translates. Any other
# type is `validation.invalid` (its English message still says what pydantic meant).
_PYDANTIC_CODES = {
    item.type: item.code
    for item in (
        _Pydantic("missing", code="validation.missing"),
        _Pydantic("extra_forbidden", code="validation.extra_forbidden"),
        _Pydantic("string_type", code="validation.string_type"),
        _Pydantic("string_too_short", code="validation.string_too_short"),
        _Pydantic("string_too_long", code="validation.string_too_long"),
        _Pydantic("string_pattern_mismatch", code="validation.string_pattern_mismatch"),
        _Pydantic("int_type", code="validation.int_type"),
        _Pydantic("int_parsing", code="validation.int_parsing"),
        _Pydantic("int_from_float", code="validation.int_parsing"),
        _Pydantic("float_type", code="validation.float_type"),
        _Pydantic("float_parsing", code="validation.float_parsing"),
        _Pydantic("bool_type", code="validation.bool_type"),
        _Pydantic("bool_parsing", code="validation.bool_parsing"),
        _Pydantic("greater_than", code="validation.greater_than"),
        _Pydantic("greater_than_equal", code="validation.greater_than_equal"),
        _Pydantic("less_than", code="validation.less_than"),
        _Pydantic("less_than_equal", code="validation.less_than_equal"),
        _Pydantic("too_short", code="validation.too_short"),
        _Pydantic("too_long", code="validation.too_long"),
        _Pydantic("literal_error", code="validation.literal_error"),
        _Pydantic("enum", code="validation.enum"),
        _Pydantic("date_type", code="validation.date_parsing"),
        _Pydantic("date_parsing", code="validation.date_parsing"),
        _Pydantic("date_from_datetime_parsing", code="validation.date_parsing"),
        _Pydantic("datetime_type", code="validation.datetime_parsing"),
        _Pydantic("datetime_parsing", code="validation.datetime_parsing"),
        _Pydantic("datetime_from_date_parsing", code="validation.datetime_parsing"),
        _Pydantic("list_type", code="validation.list_type"),
        _Pydantic("dict_type", code="validation.dict_type"),
        _Pydantic("model_type", code="validation.dict_type"),
        _Pydantic("model_attributes_type", code="validation.dict_type"),
        _Pydantic("union_tag_invalid", code="validation.union_tag_invalid"),
        _Pydantic("union_tag_not_found", code="validation.union_tag_not_found"),
        _Pydantic("json_invalid", code="validation.json_invalid"),
        _Pydantic("json_type", code="validation.json_invalid"),
        _Pydantic("uuid_parsing", code="validation.uuid_parsing"),
        _Pydantic("uuid_type", code="validation.uuid_parsing"),
        _Pydantic("decimal_parsing", code="validation.float_parsing"),
        _Pydantic("decimal_type", code="validation.float_type"),
        _Pydantic("multiple_of", code="validation.multiple_of"),
        _Pydantic("value_error", code="validation.value_error"),
    )
}
_FALLBACK_CODE = _Pydantic("*", code="validation.invalid").code


def _plain(value: Any) -> Any:
    """A ctx value fit for JSON: numbers, text and booleans as they are, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def problem(field: str | None, code: str, message: str, **params: Any) -> dict[str, Any]:
    return {"field": field, "code": code, "params": params, "message": message}


class Problems:
    """Collects every problem found, so the client sees them all at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, field: str | None, code: str, message: str, **params: Any) -> None:
        self.items.append(problem(field, code, message, **params))

    def add_validation_errors(
        self, errors: Iterable[Mapping[str, Any]], *, strip: Sequence[str] = ()
    ) -> None:
        """Pydantic's errors as items: the location as a dotted field (without the leading
        `strip` parts, e.g. `body`), pydantic's `ctx` as params, and the code of a
        CodedValueError raised by one of our validators in place of pydantic's `value_error`."""
        for error in errors:
            loc = [str(part) for part in error.get("loc", ())]
            while loc and loc[0] in strip:
                loc.pop(0)
            field = ".".join(loc) or None
            ctx = dict(error.get("ctx") or {})
            cause = ctx.pop("error", None)
            if isinstance(cause, CodedValueError):
                self.add(field, cause.code, cause.message, **cause.params)
                continue
            code = _PYDANTIC_CODES.get(str(error.get("type")), _FALLBACK_CODE)
            message = str(cause) if cause is not None else str(error.get("msg"))
            self.add(field, code, message, **{k: _plain(v) for k, v in ctx.items()})

    def raise_if_any(self, *, code: str, detail: str | None = None) -> None:
        """InvalidInput with every item, when there is one; `detail` defaults to the items'
        messages joined."""
        if self.items:
            raise InvalidInput(detail or self.describe(), code=code, errors=self.items)

    def describe(self, limit: int | None = None) -> str:
        return "; ".join(
            f"{item['field']}: {item['message']}" if item["field"] else str(item["message"])
            for item in self.items[:limit]
        )
