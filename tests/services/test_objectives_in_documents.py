"""An objective tied to a controlled document (MT-01): the issue that takes effect lists the
objectives approved by then in its annex, its stored PDF never changes afterwards, and the
objective says when a version approved since is missing from the issue in force."""

import io

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.documents import renditions, revisions
from qms.services.objectives import lifecycle, views
from tests.helpers import act, effective_document, to_effective
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj

ANNEX = "Phụ lục: Mục tiêu chất lượng đã phê duyệt"
INDICATOR = "<b>Hồ sơ</b> & đúng hạn"


def stored_pdf(engine: Engine, code: str = "MT-01") -> tuple[int, str, bytes]:
    with read_session(engine) as session:
        _doc, rev, data = renditions.document_pdf(session, viewer=None, code=code)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )
    return rev.issue, text, data


def shown(engine: Engine, ref: str) -> views.ObjectiveView:
    with read_session(engine) as session:
        return views.objective_view(session, ref)


def reissue(engine: Engine, code: str = "MT-01") -> None:
    act(
        engine,
        revisions.revise,
        "thu",
        code=code,
        reason="Ban hành mục tiêu đã phê duyệt",
        description="Phụ lục mục tiêu chất lượng",
    )
    to_effective(engine, code)


def test_the_issue_in_force_lists_the_objectives_approved_before_it_took_effect(
    engine: Engine,
) -> None:
    effective_document(engine, "MT-01")
    ref = obj.approved(engine, document="MT-01", indicator=INDICATOR)
    issue, text, _ = stored_pdf(engine)
    assert issue == 1
    assert ANNEX not in text
    view = shown(engine, ref)
    assert (view.document, view.document_issue, view.document_lists_older) == ("MT-01", 1, True)

    reissue(engine)
    issue, text, first_bytes = stored_pdf(engine)
    assert issue == 2
    assert ANNEX in text
    assert f"{ref} Phiên bản 1 {INDICATOR} ≥ 98 % Hằng quý" in text
    assert shown(engine, ref).document_lists_older is False

    # A later version is not in the copy already issued, which stays byte for byte.
    act(engine, lifecycle.revise_objective, "thu", ref=ref, reason="Nâng chỉ tiêu", target=99)
    act(engine, lifecycle.approve_objectives, "hai", refs=[ref], password=PASSWORD)
    view = shown(engine, ref)
    assert (view.version, view.document_issue, view.document_lists_older) == (2, 2, True)
    assert stored_pdf(engine)[2] == first_bytes

    reissue(engine)
    issue, text, _ = stored_pdf(engine)
    assert issue == 3
    assert f"{ref} Phiên bản 2" in text
    assert "≥ 99 %" in text
    assert shown(engine, ref).document_lists_older is False


def test_objectives_not_approved_or_of_other_documents_are_not_listed(engine: Engine) -> None:
    effective_document(engine, "MT-01")
    drafted = obj.draft(engine, document="MT-01", indicator="Chỉ còn dự thảo")
    elsewhere = obj.approved(engine, indicator="Không thuộc MT-01")
    reissue(engine)
    _, text, _ = stored_pdf(engine)
    assert ANNEX not in text
    assert "Chỉ còn dự thảo" not in text
    assert shown(engine, drafted).document_lists_older is False
    assert (shown(engine, elsewhere).document, shown(engine, elsewhere).document_lists_older) == (
        None,
        False,
    )
