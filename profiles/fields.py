"""Validators shared by every input schema, written so that the OpenAPI schema says exactly what
the API accepts (schemathesis checks both directions).

- Text is checked for length as sent, then stripped of surrounding whitespace; required text must
  keep a non-space character. Text with a NUL byte or an unpaired surrogate (JSON allows `"\\ud800"`)
  cannot be stored as UTF-8 in PostgreSQL or SQLite and is refused (422). The declared `pattern`
  says the same to clients; the check itself is ours (pydantic's regex engine has no surrogates).
- JSON Schema's `integer` admits 4.0, so integer fields accept it; strings such as "4" stay
  refused (strict mode: no silent coercion).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import AfterValidator, BeforeValidator

# Exactly what str.strip() removes, so the declared pattern and the stripping agree.
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_SPACE = "".join(f"\\u{ord(ch):04x}" for ch in WHITESPACE)
# For the OpenAPI schema (ECMA-262 syntax): no NUL, and for required text at least one non-space.
# Unpaired surrogates are not Unicode text at all, so a JSON Schema `string` excludes them already;
# naming them in the pattern too would make it unusable for client-side generators.
STORABLE_PATTERN = "^[^\\u0000]*$"
NON_BLANK_PATTERN = f"^[^\\u0000]*[^{_SPACE}\\u0000][^\\u0000]*$"
STORABLE = {"pattern": STORABLE_PATTERN}
NON_BLANK = {"pattern": NON_BLANK_PATTERN}

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("text must not contain NUL characters or unpaired surrogates")
    return value.strip(WHITESPACE)


def _required(value: str) -> str:
    value = _storable(value)
    if not value:
        raise ValueError("text must not be blank")
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Markers for `Annotated[...]`, placed after the `Field(...)` that declares the limits:
#   Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=NON_BLANK), RequiredText]
#   Annotated[int, Field(ge=1, le=5), Whole]
RequiredText = AfterValidator(_required)
OptionalText = AfterValidator(_storable)
Whole = BeforeValidator(_whole)
