"""``qms trail``: verify and read the audit trail.

Checking against an anchors file imports its service when it runs, so verifying the chain
alone does not pay for the trail's views (and the documents and records they read)."""

import json
from pathlib import Path

import click

from qms.cli.common import (
    echo_json,
    echo_phrase,
    echo_table,
    format_option,
    phrase,
    read_text_input,
    reading,
)
from qms.cli.help import TranslatedGroup
from qms.errors import IntegrityProblem
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import chain as trail_service
from qms.services.trail import words as trail_words
from qms.settings import message_language
from qms.text import shorten

# About 150,000 anchors, years of hourly ones; a file is checked whole, in memory.
MAX_ANCHORS_BYTES = 16 * 1024 * 1024


@click.group(cls=TranslatedGroup)
def trail() -> None:
    """The append-only, hash-chained audit trail."""


@trail.command("verify")
@click.option(
    "--anchors",
    "anchors_file",
    type=click.Path(path_type=Path),
    help="A file of anchors (from qms trail anchor) to check the trail against as well.",
)
def verify(anchors_file: Path | None) -> None:
    """Recompute the hash chain and name the first broken event.

    With --anchors, also check that every anchored event is still there with the same
    hash: the chain alone cannot show events cut from its end.

    Exit code 0 when intact, 8 when any event was altered, removed or reordered.

    \b
    Example:
      qms trail verify
      qms trail verify --anchors /mnt/records/qms-anchors.jsonl
    """
    text = (
        read_text_input(anchors_file, option="--anchors", limit=MAX_ANCHORS_BYTES)
        if anchors_file
        else None
    )
    with reading() as session:
        if anchors_file is None or text is None:
            check, anchors = trail_service.verify(session), 0
        else:
            from qms.services.trail import view as trail_view

            check, anchors = trail_view.verify_against(
                session, viewer=None, anchors=text, source=anchors_file.name
            )
    if check.ok:
        if anchors:
            echo_phrase(
                "trail intact: {count} events, chain verified, anchors checked: {anchors}",
                count=check.events,
                anchors=anchors,
            )
        else:
            echo_phrase("trail intact: {count} events, chain verified", count=check.events)
        return
    first = check.problems[0]
    if len(check.problems) > 1:
        raise IntegrityProblem(
            "trail broken at event {seq}: {problem} ({count} more problems after it)",
            seq=first.seq,
            problem=first.text,
            count=len(check.problems) - 1,
        )
    raise IntegrityProblem(
        "trail broken at event {seq}: {problem}", seq=first.seq, problem=first.text
    )


@trail.command("anchor")
def anchor() -> None:
    """Print the trail's newest event as one JSON line, to keep outside the database.

    Append the line to a file on another machine (or print it into the management
    review): `qms trail verify --anchors FILE` then shows any event cut from the end
    of the trail or rewritten since.

    \b
    Example:
      qms trail anchor >> /mnt/records/qms-anchors.jsonl
    """
    with reading() as session:
        click.echo(trail_anchors.take(session).line())


@trail.command("show")
@click.option(
    "--entity", help="Only events about this kind of thing (document, revision, user...)."
)
@click.option("--id", "entity_id", help="Only events about this one (e.g. QT-01 or QT-01/2).")
@click.option("--actor", help="Only events by this user.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Newest N.")
@format_option
def show(
    entity: str | None, entity_id: str | None, actor: str | None, limit: int, fmt: str
) -> None:
    """Show trail events, newest last.

    \b
    Example:
      qms trail show --entity revision --id QT-01/2
    """
    with reading() as session:
        rows = trail_service.events(
            session, entity=entity, entity_id=entity_id, actor=actor, limit=limit
        )
    if fmt == "json":
        echo_json(
            [
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "payload": json.loads(e.payload),
                    "hash": e.hash,
                }
                for e in rows
            ]
        )
        return
    language = message_language()
    if language != "en":  # English keeps the recorded codes and JSON that scripts match
        shown = [trail_words.readable(e.action, e.entity, e.payload, language) for e in rows]
        cells = [
            [w.action, f"{w.entity} {e.entity_id}", w.details]
            for e, w in zip(rows, shown, strict=True)
        ]
    else:
        cells = [[e.action, e.entity_id, e.payload] for e in rows]
    echo_table(
        [
            phrase("SEQ"),
            phrase("AT (UTC)"),
            phrase("ACTOR"),
            phrase("ACTION"),
            phrase("ON"),
            phrase("DETAIL"),
        ],
        [
            [
                str(e.seq),
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.actor,
                action,
                on,
                shorten(details, 70),
            ]
            for e, (action, on, details) in zip(rows, cells, strict=True)
        ],
    )
