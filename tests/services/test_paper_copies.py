"""Controlled paper copies: numbered per issue, recalled with the return confirmed once the
issue is superseded; refusals change nothing."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from qms.services.documents import paper_copies
from tests.helpers import (
    act,
    effective_document,
    last_event,
    refused,
    revise,
    to_effective,
    trail_actions,
)


def lines(engine: Engine, code: str = "QT-01") -> list[tuple[int, int, str, bool, bool]]:
    with read_session(engine) as session:
        return [
            (
                x.copy.issue,
                x.copy.copy_number,
                x.copy.holder,
                x.copy.recalled_at is not None,
                x.to_recall,
            )
            for x in paper_copies.copies_of(session, code=code)
        ]


def test_copies_are_numbered_and_recalled_when_superseded(engine: Engine) -> None:
    effective_document(engine, "QT-01")
    start = last_event(engine)
    act(engine, paper_copies.register_copy, "thu", code="QT-01", holder="Bộ phận Một cửa")
    act(engine, paper_copies.register_copy, "nam", code="qt-01", holder="Phòng Tư pháp")
    assert trail_actions(engine, start) == ["copy.register", "copy.register"]
    assert lines(engine) == [
        (1, 1, "Bộ phận Một cửa", False, False),
        (1, 2, "Phòng Tư pháp", False, False),
    ]
    recall = paper_copies.confirm_recall
    refused(
        engine,
        InvalidTransition,
        recall,
        "thu",
        "still in force",
        code="QT-01",
        issue=1,
        copy_number=1,
    )

    revise(engine, "QT-01")
    to_effective(engine, "QT-01")
    assert [line[4] for line in lines(engine)] == [True, True]  # issue 1: both to recall
    act(engine, recall, "thu", code="QT-01", issue=1, copy_number=2)
    assert lines(engine)[1] == (1, 2, "Phòng Tư pháp", True, False)
    assert trail_actions(engine)[-1] == "copy.recall"
    refused(
        engine, Conflict, recall, "thu", "already recalled", code="QT-01", issue=1, copy_number=2
    )
    refused(
        engine, NotFound, recall, "thu", "no paper copy 9", code="QT-01", issue=1, copy_number=9
    )
    act(engine, paper_copies.register_copy, "thu", code="QT-01", holder="Văn phòng")
    assert lines(engine)[0] == (2, 1, "Văn phòng", False, False)  # numbered per issue


def test_only_controllers_handle_copies_and_bad_input_changes_nothing(engine: Engine) -> None:
    effective_document(engine, "QT-02")
    register = paper_copies.register_copy
    refused(engine, PermissionDenied, register, "lan", "controller", code="QT-02", holder="X")
    refused(engine, ValidationError, register, "thu", "who holds", code="QT-02", holder="  ")
    refused(engine, ValidationError, register, "thu", "line", code="QT-02", holder="a\nb")
    refused(engine, NotFound, register, "thu", "no document", code="QT-99", holder="X")
