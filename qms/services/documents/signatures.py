"""Electronic signatures: who, what it means, when, and the exact content hash it signs."""

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import Meaning
from qms.models import Document, Revision, Signature, TrailEvent, User, pk
from qms.services.integrity import recorded
from qms.services.people import signing
from qms.services.people.signing import SigningLimits
from qms.services.trail import chain as trail
from qms.services.trail.chain import canonical


def content_hash(*, code: str, issue: int, body: str, reason: str, description: str) -> str:
    """SHA-256 of what an issue says; signatures are bound to it."""
    content = {
        "code": code,
        "issue": issue,
        "body": body,
        "reason": reason,
        "description": description,
    }
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def revision_hash(doc: Document, rev: Revision) -> str:
    return content_hash(
        code=doc.code,
        issue=rev.issue,
        body=rev.body,
        reason=rev.reason,
        description=rev.description,
    )


def sign(
    session: Session,
    *,
    doc: Document,
    rev: Revision,
    signer: User,
    meaning: Meaning,
    password: str,
    limits: SigningLimits | None = None,
) -> Signature:
    """Sign after re-checking the signer's password; the caller commits.

    A wrong password, or any attempt while the signer is locked out after too many, rolls
    back the caller's transaction and commits only its record on the trail before the
    refusal is raised (see :mod:`qms.services.people.signing`)."""
    signing.confirm_signer(
        session,
        signer=signer,
        password=password,
        limits=limits,
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        meaning=meaning.value,
    )
    signature = Signature(
        revision_id=pk(rev),
        user_id=pk(signer),
        meaning=meaning.value,
        printed_name=signer.full_name,
        position=signer.position,
        signed_at=utcnow(),
        content_hash=rev.content_hash,
    )
    session.add(signature)
    session.flush()
    trail.record(
        session,
        actor=signer.username,
        action=f"signature.{meaning.value}",
        entity="revision",
        entity_id=f"{doc.code}/{rev.issue}",
        payload={"new": {"meaning": meaning.value, "content_hash": rev.content_hash}},
    )
    return signature


@dataclass(frozen=True)
class SignatureView:
    signature: Signature
    username: str
    valid: bool
    # Made on a text that a later round replaced: the issue was returned for changes after
    # this signing, and the trail recorded both. Not valid, and not a sign of tampering.
    superseded: bool = False

    @property
    def invalid(self) -> bool:
        """The content changed outside the workflow (or the trail lacks the signing)."""
        return not self.valid and not self.superseded


def signatures_of(session: Session, doc: Document, rev: Revision) -> list[SignatureView]:
    """Every signature on an issue, oldest first, with its validity.

    A signature is valid only if the issue's content, recomputed now, still has the hash
    that was signed, and the trail recorded that signing: an edit after signing, through
    the application or directly in the database, invalidates it, and so does a hash
    rewritten in the database to match an edited text.
    """
    actual = revision_hash(doc, rev)
    rows = session.exec(
        select(Signature, User)
        .join(User, col(User.id) == Signature.user_id)
        .where(Signature.revision_id == rev.id)
        .order_by(col(Signature.signed_at), col(Signature.id))
    ).all()
    stored = [recorded.Signed(sig.meaning, user.username, sig.content_hash) for sig, user in rows]
    signings = recorded.signings(
        session, entity="revision", entity_id=f"{doc.code}/{rev.issue}", prefix="signature."
    )
    pairings, _ = recorded.pair(stored, signings)
    returns = _returned_at(session, f"{doc.code}/{rev.issue}")
    views = []
    for (sig, user), pairing in zip(rows, pairings, strict=True):
        valid = sig.content_hash == actual and pairing.on_trail
        event = pairing.recorded.event if pairing.on_trail and pairing.recorded else None
        superseded = not valid and event is not None and any(seq > event for seq in returns)
        views.append(SignatureView(sig, user.username, valid, superseded))
    return views


def _returned_at(session: Session, entity_id: str) -> list[int]:
    """The trail events at which an issue was returned for changes (a new round began)."""
    return list(
        session.exec(
            select(TrailEvent.seq).where(
                TrailEvent.entity == "revision",
                TrailEvent.entity_id == entity_id,
                TrailEvent.action == "revision.review_returned",
            )
        ).all()
    )


def valid_signers(views: list[SignatureView], meaning: Meaning) -> list[SignatureView]:
    return [v for v in views if v.valid and v.signature.meaning == meaning.value]
