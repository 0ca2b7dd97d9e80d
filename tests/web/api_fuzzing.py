"""Fuzzing the JSON API with Schemathesis, operation by operation, as one caller.

Each generated request goes to the real app; the database is read beside it before and
after, so a request can be judged by what it changed as well as by its response.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from qms.domain import SEVERITIES, SIMILAR_ANSWERS, AuditType, CapaSource, CauseCategory, DocType
from tests.seed import PASSWORD, PEOPLE

USERNAMES = [username for username, *_ in PEOPLE]
DEPARTMENTS = ["VP", "TP", "MC"]
# Values the services accept, by field name: most valid requests are steered to them, so
# that they pass the schema and reach the rules behind it.
KNOWN_FIELDS: dict[str, list[Any]] = {
    "password": [PASSWORD],
    "username": USERNAMES,
    "lead": USERNAMES,
    "team": [[name] for name in USERNAMES],
    "owner": USERNAMES,
    "reviewer": USERNAMES,
    "approver": USERNAMES,
    "auditee_rep": USERNAMES,
    "department": DEPARTMENTS,
    "departments": [[code] for code in DEPARTMENTS],
    "clauses": [["7.5.3"], ["8.7"]],
    "procedures": [["QT-01"]],
    "type": [t.value for t in DocType] + [t.value for t in AuditType],
    "result": ["C", "NC_MINOR", "NC_MAJOR", "OBS", "OFI"],
    "source": [s.value for s in CapaSource],
    "severity": list(SEVERITIES),
    "cause_category": [c.value for c in CauseCategory],
    "similar_exist": list(SIMILAR_ANSWERS),
    "lang": ["vi", "en"],
    "language": ["vi", "en"],
}
# Schemathesis's checks of every response, less the one that wants valid data accepted:
# a role is rightly refused many valid requests.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {"enabled": False}}})
# Reproducible runs that leave no example database behind; no shrinking, since the
# database changes from one example to the next.
HYPOTHESIS: dict[str, Any] = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}
_TEXT_CONSTRAINTS = {"minLength", "maxLength", "pattern", "enum", "format"}


@dataclass(frozen=True)
class Caller:
    """Who sends the requests: a session cookie, its anti-forgery header, and the trail
    events the caller's role may cause."""

    cookies: dict[str, str]
    headers: dict[str, str]
    may_cause: frozenset[str]


class Ledger:
    """Row counts of every table and the trail's newest events, read beside the app."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        tables = sorted(inspect(engine).get_table_names())
        self._count = text(
            " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)
        )

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {table: int(n) for table, n in connection.execute(self._count)}

    def last_seq(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text("SELECT MAX(seq) FROM trail_event")).scalar_one())

    def actions_after(self, seq: int) -> list[str]:
        query = text("SELECT action FROM trail_event WHERE seq > :seq ORDER BY seq")
        with self.engine.connect() as connection:
            return [row.action for row in connection.execute(query, {"seq": seq})]


def fuzz(
    operation: schemathesis.APIOperation,
    *,
    caller: Caller,
    ledger: Ledger,
    known_paths: dict[str, list[Any]],
    examples: int,
    invalid_examples: int,
) -> None:
    """Valid requests for ``operation``, then invalid ones; raises on the first problem."""
    modes = [(schemathesis.GenerationMode.POSITIVE, examples)]
    if takes_typed_input(operation):
        modes.append((schemathesis.GenerationMode.NEGATIVE, invalid_examples))
    for mode, count in modes:
        _run(operation, mode, count, caller, ledger, known_paths)


def takes_typed_input(operation: schemathesis.APIOperation) -> bool:
    """Whether a request can break the operation's schema: it has a body, or a parameter
    that is more than free text (for the others the generator gives up, slowly)."""
    raw = operation.definition.raw
    return "requestBody" in raw or not all(
        _free_text(parameter.get("schema", {})) for parameter in raw.get("parameters", ())
    )


def _free_text(schema: dict[str, Any]) -> bool:
    return all(
        option.get("type") in ("string", "null") and not _TEXT_CONSTRAINTS & option.keys()
        for option in schema.get("anyOf", [schema])
    )


def _run(
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    examples: int,
    caller: Caller,
    ledger: Ledger,
    known_paths: dict[str, list[Any]],
) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=examples, **HYPOTHESIS)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        if mode == schemathesis.GenerationMode.POSITIVE:
            steer(case, known_paths, data.draw)
        before = (ledger.counts(), ledger.last_seq())
        response = case.call(headers=caller.headers, cookies=caller.cookies)
        problems = database_problems(case, response.status_code, ledger, before, caller)
        assert not problems, f"{case.operation.label}: {'; '.join(problems)}"
        case.validate_response(response, headers=caller.headers)

    run()


def steer(case: schemathesis.Case, known_paths: dict[str, list[Any]], draw: Callable) -> None:
    """Replace most path parameters and known fields by values that exist."""
    for name in list(case.path_parameters or {}):
        if name in known_paths and draw(st.integers(0, 3)):
            case.path_parameters[name] = draw(st.sampled_from(known_paths[name]))
    for fields in (case.body if isinstance(case.body, dict) else {}, case.query or {}):
        for name in list(fields):
            if name in KNOWN_FIELDS and draw(st.integers(0, 3)):
                fields[name] = draw(st.sampled_from(KNOWN_FIELDS[name]))


def database_problems(
    case: schemathesis.Case,
    status: int,
    ledger: Ledger,
    before: tuple[dict[str, int], int],
    caller: Caller,
) -> list[str]:
    """What the database says about one request: a refusal changed no table (a failed
    sign-in is counted, nothing else), a success wrote only trail events the caller's
    role may cause."""
    counts, seq = before
    if status >= 400:
        changed = {
            table: (counts[table], n)
            for table, n in ledger.counts().items()
            if n != counts[table] and not _counted_sign_in(case, table)
        }
        return [f"refused with {status} but changed rows {changed}"] if changed else []
    foreign = [action for action in ledger.actions_after(seq) if action not in caller.may_cause]
    return [f"wrote trail events the role may not cause: {foreign}"] if foreign else []


def _counted_sign_in(case: schemathesis.Case, table: str) -> bool:
    return case.operation.label == "POST /api/session" and table == "login_attempt"
