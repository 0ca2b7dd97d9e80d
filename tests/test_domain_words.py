"""Every state, document type and signature meaning has its word in both languages, so a
new value of an enum cannot reach a page as its raw code."""

import pytest

from qms.domain_words import WORDS, word_for
from qms.i18n import translate


@pytest.mark.parametrize("kind", list(WORDS), ids=lambda kind: kind.__name__)
def test_every_value_has_a_word(kind: type) -> None:
    assert set(WORDS[kind]) == {member.value for member in kind}  # type: ignore[attr-defined]
    for value, message in WORDS[kind].items():
        assert translate(message, "vi") != value
        assert word_for(kind, value, "en") == message.id


def test_words_follow_the_language() -> None:
    from qms.domain import AuditStatus, RevisionStatus

    assert word_for(RevisionStatus, "draft", "vi") == "Dự thảo"
    assert word_for(AuditStatus, "in_progress", "en") == "Audit under way"
    assert word_for(AuditStatus, "no_such_state", "vi") == "no_such_state"
