"""Tampering as someone with database access would do it: SQL straight into the tables,
rewriting every hash the application keeps beside the data so that each row agrees with
itself. The trail cannot be rewritten that way (its chain would break), which is what
the integrity check relies on."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.services import blobs
from qms.services.documents.signatures import content_hash

FORGED_PDF = b"%PDF-1.7\n% a controlled copy made elsewhere\n%%EOF\n"


def revision_id(engine: Engine, code: str, issue: int) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT revision.id FROM revision JOIN document "
                    "ON document.id = revision.document_id "
                    "WHERE document.code = :code AND revision.issue = :issue"
                ),
                {"code": code, "issue": issue},
            ).scalar_one()
        )


def edit_body(
    engine: Engine,
    code: str,
    issue: int,
    old: str,
    new: str,
    *,
    rewrite_hash: bool = True,
    rewrite_signatures: bool = True,
) -> str:
    """Replace ``old`` by ``new`` in an issue's body; with ``rewrite_hash`` also store the
    hash of the edited text, and with ``rewrite_signatures`` put it in every signature.
    Returns the hash of the edited text."""
    rev = revision_id(engine, code, issue)
    with engine.begin() as connection:
        body, reason, description = connection.execute(
            text("SELECT body, reason, description FROM revision WHERE id = :id"), {"id": rev}
        ).one()
        assert old in body
        body = body.replace(old, new)
        digest = content_hash(
            code=code, issue=issue, body=body, reason=reason, description=description
        )
        connection.execute(
            text("UPDATE revision SET body = :b WHERE id = :id"), {"b": body, "id": rev}
        )
        if rewrite_hash:
            connection.execute(
                text("UPDATE revision SET content_hash = :h WHERE id = :id"),
                {"h": digest, "id": rev},
            )
        if rewrite_signatures:
            connection.execute(
                text("UPDATE signature SET content_hash = :h WHERE revision_id = :id"),
                {"h": digest, "id": rev},
            )
    return digest


def store_forged_pdf(engine: Engine, data: bytes = FORGED_PDF) -> str:
    """Store ``data`` as a blob under its own hash (so it passes ``qms pdf verify``)."""
    key = blobs.sha256(data)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO blob (sha256, media_type, size, data, created_at) "
                "VALUES (:k, 'application/pdf', :n, :d, :at)"
            ),
            {"k": key, "n": len(data), "d": data, "at": datetime.now(UTC).replace(tzinfo=None)},
        )
    return key


def point_issue_pdf(engine: Engine, code: str, issue: int, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE revision SET pdf_sha256 = :k WHERE id = :id"),
            {"k": key, "id": revision_id(engine, code, issue)},
        )


def point_record_pdf(engine: Engine, table: str, column: str, ref: str, key: str) -> None:
    """Point an audit's report or a corrective action's record at ``key``."""
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {column} = :k WHERE ref = :ref"), {"k": key, "ref": ref}
        )


def rewrite_review(engine: Engine, ref: str, **columns: str) -> None:
    """Set columns of a management review straight in its table."""
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE management_review SET {assignments} WHERE ref = :ref"),
            {**columns, "ref": ref},
        )
