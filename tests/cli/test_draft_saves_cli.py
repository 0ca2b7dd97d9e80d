"""``qms doc revise --based-on HASH``: a save on a draft that has changed since is refused
(exit 7) and changes nothing."""

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.cli.conftest import Invoke
from tests.helpers import act, body, new_draft, snapshot


def shown_hash(qms: Invoke) -> str:
    shown = qms("doc", "show", "QT-01", "--issue", "1", "--format", "json", "--as", "thu")
    assert shown.exit_code == 0, shown.output
    content_hash: str = json.loads(shown.stdout)["content_hash"]
    return content_hash


def test_revise_based_on_a_text_that_changed_since_is_refused(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    new_draft(engine)
    taken = shown_hash(qms)
    act(engine, revisions.revise, "thu", code="QT-01", body=body(2))  # someone else's save
    mine = tmp_path / "QT-01.md"
    mine.write_text(body(3), encoding="utf-8")
    before = snapshot(engine)

    late = qms("doc", "revise", "QT-01", "--body", str(mine), "--based-on", taken, "--as", "thu")

    assert (late.exit_code, late.stdout) == (7, "")
    assert late.stderr == (
        "error: QT-01 issue 1 has changed since you started editing it; look at what changed"
        " and save again\n"
    )
    assert snapshot(engine) == before
    current = shown_hash(qms)
    saved = qms("doc", "revise", "QT-01", "--body", str(mine), "--based-on", current, "--as", "thu")
    assert saved.exit_code == 0, saved.output
    assert saved.stdout == f"QT-01 issue 1 is a draft (content hash {shown_hash(qms)})\n"
