"""``qms doc publish --due``: one issue that cannot take effect is named, and the others
still do."""

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.trail import chain as trail
from tests.cli.conftest import Invoke
from tests.helpers import statuses
from tests.services.test_publishing_due import approve_next_issue

# Block quotes 30 deep: the renderer refuses the body before laying anything out.
TOO_DEEP = "> " * 30 + "Nội dung\n"


def test_an_issue_that_fails_is_named_and_the_others_take_effect(
    qms: Invoke, engine: Engine
) -> None:
    for code in ("QT-31", "QT-32", "QT-33"):
        approve_next_issue(engine, code, 1)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE revision SET body = :body"
                " WHERE document_id = (SELECT id FROM document WHERE code = 'QT-32')"
            ),
            {"body": TOO_DEEP},
        )

    result = qms("doc", "publish", "--due", "--as", "thu")

    assert result.exit_code == 2  # a body over a cap is invalid input
    assert result.stdout == "QT-31 issue 1 is now effective\nQT-33 issue 1 is now effective\n"
    assert result.stderr == (
        "error: QT-32 issue 1 was not published: lists or block quotes are nested 30 levels"
        " deep; the limit is 20\n"
    )
    assert statuses(engine, "QT-31") == statuses(engine, "QT-33") == {1: "effective"}
    assert statuses(engine, "QT-32") == {1: "approved"}
    with read_session(engine) as session:
        on_qt32 = [e.action for e in trail.iter_all(session) if e.entity_id == "QT-32/1"]
        assert on_qt32[-1] == "revision.approve"  # nothing of the failed publish is kept
        assert trail.verify(session).ok

    again = qms("doc", "publish", "--due", "--as", "thu", env={"QMS_LANGUAGE": "vi"})
    assert again.exit_code == 2
    assert again.stdout == ""
    assert again.stderr.startswith("error: QT-32 lần ban hành 1 ")
