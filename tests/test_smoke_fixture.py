from sqlalchemy.engine import Engine

from tests.helpers import effective_document, statuses


def test_effective_document_on_each_backend(engine: Engine) -> None:
    effective_document(engine)
    assert statuses(engine) == {1: "effective"}
