"""Path and query parameters of the JSON API, read as strictly as its schema states them.

Pydantic reads ``"2026.0"``, ``" 5 "`` or ``"5_000"`` as whole numbers; the schema says
integer, so the API takes what a client reading it sends (digits, with an optional sign)
and refuses the rest with 422, as it does any other input the schema does not allow.
"""

import re
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _whole_number(value: object) -> object:
    if isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value):
        raise ValueError("must be a whole number")
    return value


# After any Query(...) in an Annotated type: the schema then keeps Query's bounds.
WHOLE_NUMBER = BeforeValidator(_whole_number)
WholeNumber = Annotated[int, WHOLE_NUMBER]
# A year filter, in the range the pages' filter forms accept.
YearFilter = Annotated[int | None, Query(ge=2000, le=2100), WHOLE_NUMBER]
# The page of a JSON list and its rows per page (the register's bounds).
PageNumber = Annotated[int, Query(ge=1, le=100_000), WHOLE_NUMBER]
PerPage = Annotated[int, Query(ge=1, le=200), WHOLE_NUMBER]
