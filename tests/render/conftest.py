"""Fixtures for render tests: a sample rendition, record PDFs, and a guard against
WeasyPrint warnings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from qms.render import record_pdf, render_record_pdf
from qms.render.data import DocumentRendition

from .helpers import make_rendition
from .record_samples import (
    make_audit_report,
    make_audit_report_en,
    make_capa_record,
    make_capa_record_en,
    make_register,
)


@pytest.fixture
def rendition() -> DocumentRendition:
    return make_rendition()


@dataclass
class WarningGuard:
    """Fails the test on any WeasyPrint warning unless the test allowed them."""

    records: list[logging.LogRecord] = field(default_factory=list)
    allowed: bool = False

    def allow(self) -> None:
        self.allowed = True

    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


class _Recorder(logging.Handler):
    def __init__(self, guard: WarningGuard) -> None:
        super().__init__(level=logging.WARNING)
        self.guard = guard

    def emit(self, record: logging.LogRecord) -> None:
        self.guard.records.append(record)


@pytest.fixture(autouse=True)
def weasyprint_warnings() -> Iterator[WarningGuard]:
    guard = WarningGuard()
    handler = _Recorder(guard)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield guard
    finally:
        logger.removeHandler(handler)
    if not guard.allowed and guard.records:
        pytest.fail(f"WeasyPrint logged warnings: {guard.messages()}")


# Record PDFs, rendered once per test module that uses them.


@pytest.fixture(scope="module")
def audit_vi() -> bytes:
    return render_record_pdf(make_audit_report())


@pytest.fixture(scope="module")
def audit_vi_draft() -> bytes:
    return record_pdf.render(make_audit_report(status="in_progress"))


@pytest.fixture(scope="module")
def audit_en() -> bytes:
    return record_pdf.render(make_audit_report_en())


@pytest.fixture(scope="module")
def capa_vi() -> bytes:
    return render_record_pdf(make_capa_record())


@pytest.fixture(scope="module")
def capa_en() -> bytes:
    return record_pdf.render(make_capa_record_en())


@pytest.fixture(scope="module")
def register_vi() -> bytes:
    return render_record_pdf(make_register())
