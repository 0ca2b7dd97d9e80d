"""The organisation settings an administrator changes from the browser: each one's
meaning, its current value, and the check a new value must pass before it is kept (on
the trail with the old and new value)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from qms.domain import LANGUAGES, Role
from qms.errors import Text, ValidationError
from qms.models import User
from qms.services.capa.actions import DEFAULT_VERIFICATION_DAYS, VERIFICATION_DAYS_SETTING
from qms.services.documents.read_campaigns import DEFAULT_DUE_WORKING_DAYS, DUE_SETTING
from qms.services.documents.renditions import OTHER_LANGUAGES_SETTING
from qms.services.fields import one_line
from qms.services.people import organisation, users


@dataclass(frozen=True)
class Editable:
    key: str
    label: Text
    hint: Text
    check: Callable[[str, Text], str]  # the value as kept, or a refusal
    default: str = ""
    choices: tuple[tuple[str, Text], ...] = ()  # (value, words) when it is a choice


@dataclass(frozen=True)
class Current:
    key: str
    label: Text
    hint: Text
    value: str
    choices: tuple[tuple[str, Text], ...] = ()


def _name(value: str, label: Text) -> str:
    text = one_line(value, field=label)
    if len(text) > 200:
        raise ValidationError(
            "the {field} is longer than {limit} characters", field=label, limit=200
        )
    return text


def _language(value: str, label: Text) -> str:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise ValidationError("the {field} must be vi or en", field=label)
    return value


def _zone(value: str, label: Text) -> str:
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "{value!r} is not a time zone (like Asia/Ho_Chi_Minh)", value=value
        ) from None
    return value


YES_NO = (("no", Text("No")), ("yes", Text("Yes")))


def _yes_no(value: str, label: Text) -> str:
    value = value.strip().lower()
    if value not in ("yes", "no"):
        raise ValidationError("the {field} must be yes or no", field=label)
    return value


def _days(low: int, high: int) -> Callable[[str, Text], str]:
    def check(value: str, label: Text) -> str:
        value = value.strip()
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValidationError(
                "the {field} must be a whole number from {low} to {high}",
                field=label,
                low=low,
                high=high,
            )
        return str(int(value))

    return check


EDITABLE: tuple[Editable, ...] = (
    Editable(
        "organisation.name",
        Text("organisation name"),
        Text("Printed on every controlled copy and report."),
        _name,
    ),
    Editable(
        "organisation.name_en",
        Text("English organisation name"),
        Text("Printed on English documents; empty: the name above."),
        _name,
    ),
    Editable(
        "organisation.language",
        Text("organisation language"),
        Text("The language of registers and reports made for the whole organisation."),
        _language,
        "vi",
    ),
    Editable(
        "timezone",
        Text("time zone"),
        Text("Dates and times are shown, and documents take effect, in this zone."),
        _zone,
        "Asia/Ho_Chi_Minh",
    ),
    Editable(
        DUE_SETTING,
        Text("working days to read a new issue"),
        Text("Staff are reminded when they have not read a new issue within this time."),
        _days(1, 250),
        str(DEFAULT_DUE_WORKING_DAYS),
    ),
    Editable(
        VERIFICATION_DAYS_SETTING,
        Text("days before verifying a corrective action"),
        Text("How long after the last action is done its effectiveness is verified."),
        _days(1, 365),
        str(DEFAULT_VERIFICATION_DAYS),
    ),
    Editable(
        OTHER_LANGUAGES_SETTING,
        Text("documents in another language in department manuals"),
        Text(
            "No: a department's manual holds only the documents in the organisation "
            "language (an English document stays out of a Vietnamese manual)."
        ),
        _yes_no,
        "no",
        YES_NO,
    ),
    Editable(
        organisation.STAMP_SETTING,
        Text("stamp on superseded copies"),
        Text(
            "Printed across superseded and obsolete copies, as the document control "
            "procedure prescribes; at most 40 characters."
        ),
        organisation.stamp_text,
    ),
)
_BY_KEY = {e.key: e for e in EDITABLE}


def current(session: Session, *, viewer: User) -> list[Current]:
    users.require_role(session, viewer, Role.ADMIN, action=Text("change organisation settings"))
    return [
        Current(
            e.key, e.label, e.hint, organisation.get_setting(session, e.key) or e.default, e.choices
        )
        for e in EDITABLE
    ]


def change(session: Session, *, actor: User, values: Mapping[str, str]) -> list[str]:
    """Check every given value, then keep those that changed (each on the trail with its
    old and new value) in one commit; the keys changed. A refusal keeps nothing and says
    which setting it is about."""
    users.require_role(session, actor, Role.ADMIN, action=Text("change organisation settings"))
    checked: dict[str, str] = {}
    for key, raw in values.items():
        editable = _BY_KEY.get(key)
        if editable is None:
            raise ValidationError("{key!r} is not a setting that can be changed here", key=key)
        if not raw.strip() and not organisation.get_setting(session, key) and not editable.default:
            continue  # a setting never set, left empty on the form: nothing to check
        try:
            checked[key] = editable.check(raw, editable.label)
        except ValidationError as exc:
            raise exc.about(key, option="") from None
    changed = []
    for key, value in checked.items():
        old = organisation.get_setting(session, key) or _BY_KEY[key].default
        if value != old:
            organisation.set_setting(session, actor=actor.username, key=key, value=value)
            changed.append(key)
    session.commit()
    return changed
