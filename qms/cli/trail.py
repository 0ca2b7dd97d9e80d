"""``qms trail``: verify and read the audit trail."""

import json

import click

from qms.cli.common import echo_json, echo_table, format_option, reading
from qms.errors import IntegrityProblem
from qms.services import trail as trail_service


@click.group()
def trail() -> None:
    """The append-only, hash-chained audit trail."""


@trail.command("verify")
def verify() -> None:
    """Recompute the hash chain and name the first broken event.

    Exit code 0 when intact, 8 when any event was altered, removed or reordered.

    \b
    Example:
      qms trail verify
    """
    with reading() as session:
        check = trail_service.verify(session)
    if check.ok:
        click.echo(f"trail intact: {check.events} events, chain verified")
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
    echo_table(
        ["SEQ", "AT (UTC)", "ACTOR", "ACTION", "ON", "DETAIL"],
        [
            [
                str(e.seq),
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.actor,
                e.action,
                e.entity_id,
                _short(e.payload),
            ]
            for e in rows
        ],
    )


def _short(payload: str, width: int = 70) -> str:
    return payload if len(payload) <= width else payload[: width - 1] + "…"
