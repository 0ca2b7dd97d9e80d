"""The trail in the reader's words: every action the services record has its words, and an
event's details read as "field: value" lines with a change as "old → new"."""

import re
from pathlib import Path

from qms.domain import CommentOutcome, Meaning
from qms.services.people import signing, unlocks
from qms.services.trail import words

SERVICES = Path(words.__file__).resolve().parents[1]
# A step recorded through a helper that adds the record's prefix (audit., capa., revision.).
_PREFIXED = {"audits": "audit.", "capa": "capa.", "documents": "revision."}
_LITERAL = re.compile(r'action="([a-z_.]+)"')
_HELPER_CALL = re.compile(r'_(?:record|printed)\(\s*session,[^"\n]*"([a-z_]+\.[a-z_.]+)"')


def recorded_actions() -> set[str]:
    """The actions named in the services' source, with the prefixes helpers add."""
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for name in _LITERAL.findall(source) + _HELPER_CALL.findall(source):
            if "." in name:
                found.add(name)
            elif (prefix := _PREFIXED.get(path.relative_to(SERVICES).parts[0])) is not None:
                found.add(prefix + name)
    found |= {f"signature.{m.value}" for m in Meaning}
    found |= {f"revision.{o.value}" for o in CommentOutcome}
    found |= {signing.REFUSED, signing.LOCKED, unlocks.SIGN_IN_UNLOCKED, unlocks.SIGNING_UNLOCKED}
    found |= {"revision.publish"}  # the publishing step's default name
    return found


def test_every_recorded_action_has_words() -> None:
    actions = recorded_actions()
    assert len(actions) > 80  # the scan finds the services' actions
    assert sorted(a for a in actions if a not in words.ACTIONS) == []


def test_every_kind_of_record_has_words() -> None:
    entities = set()
    for path in SERVICES.rglob("*.py"):
        entities |= set(re.findall(r'entity="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert entities
    assert sorted(entities - set(words.ENTITIES)) == []


def test_a_change_reads_old_to_new_with_states_in_words() -> None:
    payload = (
        '{"new":{"status":"effective","effective_date":"2026-12-05"},"old":{"status":"approved"}}'
    )
    assert words.details(payload, "vi", "revision") == (
        "trạng thái: Đã phê duyệt → Có hiệu lực; ngày hiệu lực: 2026-12-05"
    )
    assert words.details(payload, "en", "revision") == (
        "status: Approved → Effective; effective date: 2026-12-05"
    )


def test_a_setting_lists_and_yes_or_no() -> None:
    assert words.details('{"new":"A","old":null}', "vi", "setting") == "— → A"
    assert words.details('{"new":{"roles":["auditor","staff"],"active":true}}', "vi") == (
        "vai trò: auditor, staff; đang hoạt động: có"
    )
    assert words.details('{"reason":"x"}', "en") == "reason: x"
    assert words.details("", "en") == ""


def test_an_unknown_action_shows_as_recorded() -> None:
    assert words.action_word("bulk.note", "vi") == "bulk.note"
    assert words.action_word("revision.submit", "vi") == "trình xem xét"
    assert words.entity_word("revision", "vi") == "lần ban hành"
