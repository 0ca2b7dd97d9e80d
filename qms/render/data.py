"""Plain data handed to the render layer by the services; no database types here."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SignatureLine:
    meaning: str  # "drafted" | "reviewed" | "approved"
    name: str
    position: str
    signed_at: datetime | None  # naive UTC
    valid: bool  # False when the signed content hash no longer matches


@dataclass(frozen=True)
class HistoryEntry:
    issue: int
    effective_date: date | None
    reason: str
    description: str


@dataclass(frozen=True)
class DocumentRendition:
    organisation: str
    code: str
    title: str
    doc_type: str  # policy|manual|procedure|work_instruction|form|record_template|external
    department: str
    language: str  # "vi" | "en"
    issue: int
    status: str  # draft|in_review|approved|effective|superseded|obsolete
    effective_date: date | None
    body_markdown: str
    content_hash: str  # sha256 hex of the revision content
    signatures: tuple[SignatureLine, ...]
    history: tuple[HistoryEntry, ...]
    # sha256 hex -> image bytes; the Markdown refers to them as ![alt](blob:<sha256>)
    images: Mapping[str, bytes] = field(default_factory=dict)
    author: str = ""  # PDF metadata
    timezone: str = "Asia/Ho_Chi_Minh"  # signatures are shown in local time


@dataclass(frozen=True)
class ManualEntry:
    rendition: DocumentRendition
    pdf: bytes | None  # stored controlled PDF of this revision, reused as is


@dataclass(frozen=True)
class ManualSpec:
    organisation: str
    title: str
    language: str
    compiled_on: date  # taken from the data, never from the clock
    entries: tuple[ManualEntry, ...]


def nfc(value: Any) -> Any:
    """NFC-normalise every string inside ``value`` (dataclasses, tuples, mappings).

    Vietnamese text typed on different keyboards arrives decomposed or precomposed;
    the font's precomposed glyphs and text search both want the composed form.
    Bytes (images, stored PDFs) are left untouched.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: nfc(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(nfc(item) for item in value)
    if isinstance(value, Mapping):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value
