"""The domain's words as translatable phrases, for messages that name a state or a role
("QT-01 issue 2 is in review", "it needs the reviewer or approver role")."""

from collections.abc import Iterable
from datetime import date, datetime

from qms.domain import Role
from qms.errors import Text, either

_STATES: dict[str, Text] = {
    # issues of a document
    "draft": Text("draft"),
    "in_review": Text("in review"),
    "approved": Text("approved"),
    "effective": Text("effective"),
    "superseded": Text("superseded"),
    "obsolete": Text("obsolete"),
    # audits
    "planned": Text("planned"),
    "in_progress": Text("in progress"),
    "reported": Text("reported"),
    # nonconformities and corrective actions
    "open": Text("open"),
    "contained": Text("contained"),
    "cause_analysed": Text("cause analysed"),
    "actions_planned": Text("actions planned"),
    "actions_done": Text("actions done"),
    "verified_effective": Text("verified effective"),
    "closed": Text("closed"),
}

_ROLES: dict[str, Text] = {
    Role.ADMIN: Text("admin"),
    Role.CONTROLLER: Text("controller"),
    Role.REVIEWER: Text("reviewer"),
    Role.APPROVER: Text("approver"),
    Role.AUDITOR: Text("auditor"),
    Role.STAFF: Text("staff"),
}


_MEANINGS: dict[str, Text] = {
    # signatures on an issue, on an audit record and on a corrective action's verification
    "drafted": Text("drafted"),
    "reviewed": Text("reviewed"),
    "approved": Text("approved"),
    "lead_auditor": Text("lead auditor"),
    "auditee": Text("auditee"),
    "verified": Text("verification"),
    "chair": Text("chair of the review"),
}


def state(value: str) -> Text | str:
    """A lifecycle state ("in_review") as words ("in review")."""
    return _STATES.get(value, value.replace("_", " "))


def meaning(value: str) -> Text | str:
    """What a signature means ("approved", "auditee") as words."""
    return _MEANINGS.get(value, value.replace("_", " "))


def role(value: str) -> Text | str:
    return _ROLES.get(value, value)


def any_role(roles: Iterable[str]) -> Text | str:
    """ "reviewer or approver"."""
    return either([role(r) for r in roles])


def any_state(states: Iterable[str]) -> Text | str:
    return either([state(s) for s in states])


def day(value: date) -> Text:
    """A calendar date the reader's way: 2026-12-05 in English, 05/12/2026 in Vietnamese.
    The catalogs decide, for pages and messages alike."""
    return Text(
        "{year}-{month}-{day}",
        year=f"{value.year:04d}",
        month=f"{value.month:02d}",
        day=f"{value.day:02d}",
    )


def moment(value: datetime) -> Text:
    """A time of day on a date, as the clock read where it is shown (``value`` already
    local): 2026-12-05 00:30 in English, 00:30 05/12/2026 in Vietnamese."""
    return Text("{date} {time}", date=day(value.date()), time=f"{value:%H:%M}")
