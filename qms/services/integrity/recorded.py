"""Reading what the trail recorded: the new values of an event, signatures paired with the
trail's event of each signing, and the sentences for a signature or a stored PDF that
differs from the trail's record of it."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from qms.errors import Text
from qms.models import TrailEvent
from qms.phrases import meaning as meaning_word
from qms.services.integrity.report import Findings, short


def new_values(payload_json: str) -> dict[str, Any]:
    """The ``new`` values of an event's payload (empty when it has none)."""
    try:
        payload = json.loads(payload_json)
    except (ValueError, RecursionError):
        return {}
    new = payload.get("new") if isinstance(payload, dict) else None
    return new if isinstance(new, dict) else {}


def text_value(values: dict[str, Any], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Signed:
    """A signature as a row holds it, or as the trail recorded it (at ``event``)."""

    meaning: str
    username: str
    content_hash: str
    event: int | None = None


def signing(event: TrailEvent, meaning: str) -> Signed:
    """The signature an event records: its actor signed ``content_hash`` as ``meaning``."""
    digest = text_value(new_values(event.payload), "content_hash") or ""
    return Signed(meaning, event.actor, digest, event.seq)


def signings(session: Session, *, entity: str, entity_id: str, prefix: str) -> list[Signed]:
    """The signings recorded about one thing by events whose action starts with ``prefix``
    (``signature.`` for an issue: ``signature.approved`` records an approval)."""
    events = session.exec(
        select(TrailEvent)
        .where(TrailEvent.entity == entity, TrailEvent.entity_id == entity_id)
        .where(col(TrailEvent.action).startswith(prefix))
        .order_by(col(TrailEvent.seq))
    ).all()
    return [
        signing(e, text_value(new_values(e.payload), "meaning") or e.action[len(prefix) :])
        for e in events
    ]


@dataclass(frozen=True)
class Pairing:
    stored: Signed
    recorded: Signed | None  # the trail's signing by the same person with the same meaning

    @property
    def on_trail(self) -> bool:
        """The trail recorded exactly this signature."""
        return self.recorded is not None and self.recorded.content_hash == self.stored.content_hash


def pair(
    stored: Sequence[Signed], recorded: Sequence[Signed]
) -> tuple[list[Pairing], list[Signed]]:
    """Each stored signature with the trail's record of it: the signing of the same person,
    meaning and hash, else one of the same person and meaning (a hash rewritten since);
    and the recorded signings left without a stored signature (removed since)."""
    unused = list(recorded)
    matched: list[Signed | None] = [None] * len(stored)
    for same in (_same_signature, _same_signer):
        for i, signature in enumerate(stored):
            if matched[i] is not None:
                continue
            j = next((k for k, r in enumerate(unused) if same(signature, r)), None)
            if j is not None:
                matched[i] = unused.pop(j)
    return [Pairing(s, r) for s, r in zip(stored, matched, strict=True)], unused


def _same_signature(a: Signed, b: Signed) -> bool:
    return (a.meaning, a.username, a.content_hash) == (b.meaning, b.username, b.content_hash)


def _same_signer(a: Signed, b: Signed) -> bool:
    return (a.meaning, a.username) == (b.meaning, b.username)


def report_signatures(
    findings: Findings,
    subject: Text | str,
    *,
    record: str,
    ref: str,
    issue: int | None = None,
    stored: Sequence[Signed],
    recorded: Sequence[Signed],
) -> None:
    """Name every stored signature the trail did not record as it stands, and every
    recorded signing whose signature is gone."""
    pairings, removed = pair(stored, recorded)
    for p in pairings:
        if p.on_trail:
            continue
        s = p.stored
        if p.recorded is None:
            findings.add(
                Text(
                    "{subject}: the signature of {user} ({meaning}) on {found} is not on the trail",
                    subject=subject,
                    user=s.username,
                    meaning=meaning_word(s.meaning),
                    found=short(s.content_hash),
                ),
                what="signature",
                found=s.content_hash,
                record=record,
                ref=ref,
                issue=issue,
            )
            continue
        findings.add(
            Text(
                "{subject}: the signature of {user} ({meaning}) binds {found}, but the trail "
                "recorded {expected} (event {event})",
                subject=subject,
                user=s.username,
                meaning=meaning_word(s.meaning),
                found=short(s.content_hash),
                expected=short(p.recorded.content_hash),
                event=p.recorded.event or 0,
            ),
            what="signature",
            expected=p.recorded.content_hash,
            found=s.content_hash,
            event=p.recorded.event,
            record=record,
            ref=ref,
            issue=issue,
        )
    for r in removed:
        findings.add(
            Text(
                "{subject}: the signature of {user} ({meaning}) recorded on the trail "
                "(event {event}) is gone",
                subject=subject,
                user=r.username,
                meaning=meaning_word(r.meaning),
                event=r.event or 0,
            ),
            what="signature",
            expected=r.content_hash,
            event=r.event,
            record=record,
            ref=ref,
            issue=issue,
        )


def report_pdf(
    findings: Findings,
    name: Text | str,
    *,
    record: str,
    ref: str,
    issue: int | None = None,
    expected: str | None,
    found: str | None,
    event: int | None,
) -> None:
    """A stored PDF that is not the one the trail recorded (or is gone, or unrecorded)."""
    if expected is None:
        text = Text(
            "{subject}: its stored PDF {found} is not on the trail",
            subject=name,
            found=short(found or ""),
        )
    elif found is None:
        text = Text(
            "{subject}: its stored PDF recorded on the trail (event {event}) is gone",
            subject=name,
            event=event or 0,
        )
    else:
        text = Text(
            "{subject}: its stored PDF is {found}, but the trail recorded {expected} (event {event})",
            subject=name,
            found=short(found),
            expected=short(expected),
            event=event or 0,
        )
    findings.add(
        text,
        record=record,
        ref=ref,
        issue=issue,
        what="pdf",
        expected=expected,
        found=found,
        event=event,
    )


def stored_pdf(new: dict[str, Any]) -> str | None:
    """The stored PDF an audit or corrective-action event records, if any: an audit's
    report (``pdf_sha256``) or a corrective action's record PDF (``record_sha256``)."""
    return text_value(new, "pdf_sha256") or text_value(new, "record_sha256")
