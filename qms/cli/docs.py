"""``qms doc``: the document register and the life of each issue.

Imports, comparisons and publishing what is due import their services when they run, so
reading the register does not pay for them."""

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qms.cli.common import (
    acting_user,
    echo_json,
    echo_table,
    fmt_time,
    format_option,
    message_text,
    read_file_input,
    read_password,
    read_text_input,
    reading,
    signing_limits,
    steps_line,
    text_limit,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.domain import DocType, RevisionStatus
from qms.errors import Conflict, Text
from qms.models import User
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.documents import views as doc_views
from qms.services.people import organisation, users
from qms.settings import message_language
from qms.views import as_json

if TYPE_CHECKING:
    from qms.services.documents import diff as diff_service
    from qms.services.documents import importer

STATUSES = [s.value for s in RevisionStatus] + ["none"]


def _viewer(session: Any, as_user: str | None) -> User | None:
    return users.get_active_user(session, as_user) if as_user else None


def _read_body(path: str | None) -> str | None:
    if path is None:
        return None
    return read_text_input(path, option="--body", limit=text_limit(revisions.MAX_BODY_CHARS))


@click.group(cls=TranslatedGroup)
def doc() -> None:
    """Documents and their issues: register, revise, review, approve, publish.

    The lifecycle: draft -> in_review -> approved -> effective -> superseded,
    or obsolete when withdrawn. Signing steps ask for the signer's password.
    """


@doc.command("new")
@click.argument("code")
@click.option("--title", required=True, help='Title, e.g. "Quy trình kiểm soát tài liệu".')
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]), required=True)
@click.option("--dept", "department", required=True, help="Owning department code.")
@click.option("--owner", help="Process owner (username).")
@click.option(
    "--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@click.option("--review-interval", type=int, default=12, show_default=True, help="Months.")
@click.option("--body", "body_path", help="Markdown file for issue 1 ('-' for stdin).")
@click.option("--issuer", help="External documents: who issued it.")
@click.option("--external-ref", help="External documents: their reference, e.g. 19/2014/QĐ-TTg.")
@click.option("--external-version", help="External documents: their version or year.")
@acting_user()
def new(
    code: str,
    title: str,
    doc_type: str,
    department: str,
    owner: str | None,
    language: str,
    review_interval: int,
    body_path: str | None,
    issuer: str | None,
    external_ref: str | None,
    external_version: str | None,
    as_user: str,
) -> None:
    """Register a document; its issue 1 starts as a draft.

    A body the controlled PDF would refuse (over 2 MB, nested too deep, too many table
    cells) is refused here, with exit code 2.

    \b
    Example:
      qms doc new QT-08 --title "Quy trình tiếp nhận phản ánh" --type procedure \\
          --dept VP --body qt-08.md --as thultm
    """
    body = _read_body(body_path) or ""
    external: dict[str, object] = {
        k: v
        for k, v in (
            ("issuer", issuer),
            ("external_ref", external_ref),
            ("external_version", external_version),
        )
        if v
    }
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        created, rev = revisions.create_document(
            session,
            actor=actor,
            code=code,
            title=title,
            doc_type=doc_type,
            department=department,
            body=body,
            owner=owner,
            language=language,
            review_interval_months=review_interval,
            external=external or None,
        )
    click.echo(f"registered {created.code}; issue {rev.issue} is a draft")


@doc.command("list")
@click.option("--search", help="Words in the code or title; diacritics optional.")
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]))
@click.option("--dept", "department", help="Department code.")
@click.option(
    "--status", type=click.Choice(STATUSES), help="Status of the document's newest state."
)
@acting_user(required=False)
@format_option
def list_(
    search: str | None,
    doc_type: str | None,
    department: str | None,
    status: str | None,
    as_user: str | None,
    fmt: str,
) -> None:
    """List the register. Staff (and no --as) see documents with an effective issue only.

    \b
    Example:
      qms doc list --search "kiem soat tai lieu"
      qms doc list --type procedure --dept TP --format json --as thultm
    """
    with reading() as session:
        rows = doc_views.register(
            session,
            viewer=_viewer(session, as_user),
            search_text=search,
            doc_type=doc_type,
            department=department,
            status=status,
        )
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        ["CODE", "TITLE", "TYPE", "DEPT", "EFFECTIVE", "IN PROGRESS"],
        [
            [
                r.code,
                r.title,
                r.type,
                r.department,
                _issue_text(r.effective) or ("withdrawn" if r.withdrawn else ""),
                f"issue {r.in_progress.issue} {r.in_progress.status}" if r.in_progress else "",
            ]
            for r in rows
        ],
    )


def _issue_text(rev: doc_views.IssueView | None) -> str:
    if rev is None:
        return ""
    when = rev.planned_effective_date or (rev.effective_at.date() if rev.effective_at else None)
    return f"issue {rev.issue}" + (f" ({when:%Y-%m-%d})" if when else "")


@doc.command("show")
@click.argument("code")
@click.option("--issue", type=int, help="Issue number (default: the effective one).")
@click.option("--body/--no-body", default=False, help="Print the Markdown body too.")
@click.option("--body-only", is_flag=True, help="Print only the Markdown body (to edit it).")
@acting_user(required=False)
@format_option
def show(
    code: str, issue: int | None, body: bool, body_only: bool, as_user: str | None, fmt: str
) -> None:
    """Show a document's issue: status, signatures (with validity), comments, history.

    The content hash is computed from the issue's text now, and any way the issue
    differs from what the audit trail recorded (text, signatures, stored PDF) is named.

    \b
    Example:
      qms doc show QT-01 --issue 2 --as thultm
      qms doc show QT-01 --body-only > QT-01.md
    """
    with reading() as session:
        r = doc_views.issue_detail(
            session,
            viewer=_viewer(session, as_user),
            code=code,
            issue=issue,
            language=message_language(),
        )
        tz = organisation.get_setting(session, "timezone")
    if body_only:
        click.echo(r.body, nl=False)
        return
    if fmt == "json":
        echo_json(as_json(r))
        return
    click.echo(f"{r.code}  {r.title}")
    click.echo(f"type {r.type}, department {r.department}, language {r.language}")
    if r.type == DocType.EXTERNAL:
        click.echo(
            f"issuer {r.issuer}; reference {r.external_ref} {r.external_version}; "
            f"checked current on {r.checked_current_on or 'never'}"
        )
    stage = "reviewed — awaiting approval" if r.stage == "reviewed" else r.status
    click.echo(
        f"issue {r.issue}: {stage}"
        + (
            f", effective {r.effective_date:%Y-%m-%d}"
            if r.effective_at and r.effective_date
            else ""
        )
        + (f" (imported {fmt_time(r.effective_at, tz)})" if r.origin == "import" else "")
    )
    if r.planned_effective_date and r.status == RevisionStatus.APPROVED:
        click.echo(f"takes effect on {r.planned_effective_date:%Y-%m-%d}")
    if r.reason:
        click.echo(f"reason for change: {r.reason}")
    if r.description:
        click.echo(f"description of change: {r.description}")
    if r.capa_ref:
        click.echo(f"raised by corrective action {r.capa_ref}")
    click.echo(f"content hash: {r.content_hash}")
    for mismatch in r.mismatches:
        click.echo(f"  MISMATCH: {mismatch.message}")
    for s in r.signatures:
        mark = "valid" if s.valid else "INVALID (content changed after signing)"
        if s.superseded:
            mark = "superseded by resubmission"
        click.echo(
            f"  signed {s.meaning}: {s.printed_name} ({s.position or s.username}) "
            f"{fmt_time(s.signed_at, tz)}  {mark}"
        )
    for p in r.paper_signatures:
        when = f" on {p.signed_on:%Y-%m-%d}" if p.signed_on else ""
        position = f" ({p.position})" if p.position else ""
        click.echo(f"  signed {p.meaning} on paper: {p.name}{position}{when}")
    for comment in r.comments:
        click.echo(f"  comment by {comment.author} ({comment.outcome}): {comment.body}")
    click.echo(f"acknowledged by {len(r.acknowledged_by)}: {', '.join(r.acknowledged_by)}")
    earlier = [f"issue {h.issue} on paper" for h in r.paper_history]
    click.echo(
        "history: " + "; ".join(earlier + [f"issue {h.issue} {h.status}" for h in r.history])
    )
    click.echo(steps_line(r.steps))
    if body:
        click.echo("")
        click.echo(r.body, nl=False)


@doc.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say per file what would be imported; write nothing.")
@click.option("--code", help="Document code, over the Word header table (one file only).")
@click.option("--title", help="Title, over the Word header table (one file only).")
@click.option("--issue", type=int, help="Issue number (one file only).")
@click.option(
    "--effective-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="As on paper, YYYY-MM-DD."
)
@click.option("--dept", "department", help="Department code (or name).")
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]))
@acting_user()
@format_option
def import_(
    paths: tuple[Path, ...],
    dry_run: bool,
    code: str | None,
    title: str | None,
    issue: int | None,
    effective_date: datetime | None,
    department: str | None,
    doc_type: str | None,
    as_user: str,
    fmt: str,
) -> None:
    """Import documents approved before the system as effective issues: Markdown files
    with YAML front matter and Word files (.docx), or folders of them. All or nothing:
    one bad file and nothing is imported, the file named.

    A Word file's code, title, issue and date come from its header table ("Mã số:",
    "Lần ban hành:", "Ngày ban hành:"), its paper signatures and revision history from
    its signature and history tables; a sidecar QT-01.yaml beside QT-01.docx (front
    matter fields) and the options here override them. Run --dry-run first.

    \b
    Example:
      qms doc import procedures/ --as thultm
      qms doc import word/ --dept VP --dry-run --as thultm
    """
    overrides: dict[str, Any] = {
        key: value
        for key, value in {
            "code": code,
            "title": title,
            "issue": issue,
            "effective_date": effective_date.date() if effective_date else None,
            "department": department,
            "type": doc_type,
        }.items()
        if value is not None
    }
    from qms.services.documents import importer

    if dry_run:
        with reading() as session:
            actor = users.get_active_user(session, as_user)
            plans = importer.plan_files(
                session, actor=actor, paths=list(paths), overrides=overrides
            )
        _print_plans(plans, fmt)
        return
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        results = importer.import_files(
            session, actor=actor, paths=list(paths), overrides=overrides
        )
    for r in results:
        what = "registered" if r.created else "new issue of"
        click.echo(f"{what} {r.document.code} issue {r.revision.issue}: {r.document.title}")
    click.echo(f"imported {len(results)} documents")


def _print_plans(plans: "list[importer.PlannedImport]", fmt: str) -> None:
    if fmt == "json":
        echo_json(as_json([_plan_view(p) for p in plans]))
    else:
        for plan in plans:
            _print_plan(plan)
    conflicts = [p for p in plans if p.conflict is not None]
    if conflicts:
        raise Conflict(
            "{count} of {total} files conflict with the register; nothing was written",
            count=len(conflicts),
            total=len(plans),
        )
    if fmt != "json":
        click.echo(f"dry run: {len(plans)} files would be imported; nothing was written")


def _plan_view(plan: "importer.PlannedImport") -> dict[str, Any]:
    source, meta = plan.source, plan.source.meta
    return {
        "file": str(source.path),
        "code": meta["code"],
        "title": meta["title"],
        "issue": meta["issue"],
        "effective_date": meta["effective_date"],
        "department": meta["department"],
        "replaces_issue": plan.existing_issue,
        "pages": source.pages,
        "pictures": len(source.images),
        "paper_signatures": [
            {"meaning": s.meaning, "name": s.name, "date": s.signed_on}
            for s in source.paper.signers
        ],
        "earlier_issues": [
            {"issue": h.issue, "date": h.issued_on, "change": h.change}
            for h in source.paper.history
        ],
        "not_converted": [
            {"where": loss.where, "what": message_text(loss.what)} for loss in source.losses
        ],
        "conflict": message_text(plan.conflict) if plan.conflict else None,
    }


def _print_plan(plan: "importer.PlannedImport") -> None:
    view = _plan_view(plan)
    what = (
        f"new issue of {view['code']} (replaces issue {plan.existing_issue})"
        if plan.existing_issue
        else f"register {view['code']}"
    )
    pages = f", about {view['pages']} pages" if view["pages"] else ""
    click.echo(
        f'{view["file"]}: {what} issue {view["issue"]} "{view["title"]}", '
        f"effective {view['effective_date']:%Y-%m-%d}, department {view['department']}{pages}"
    )
    for signer in view["paper_signatures"]:
        when = f" on {signer['date']:%Y-%m-%d}" if signer["date"] else ""
        click.echo(f"  signed on paper: {signer['meaning']} by {signer['name']}{when}")
    for line in view["earlier_issues"]:
        when = f" ({line['date']:%Y-%m-%d})" if line["date"] else ""
        click.echo(f"  earlier issue {line['issue']}{when}: {line['change']}")
    if view["pictures"]:
        click.echo(f"  pictures: {view['pictures']}")
    for loss in view["not_converted"]:
        where = f"{loss['where']}: " if loss["where"] else ""
        click.echo(f"  not converted: {where}{loss['what']}")
    if view["conflict"]:
        click.echo(f"  CONFLICT: {view['conflict']}")


@doc.command("export")
@click.argument("code")
@click.option("--issue", type=int, help="Issue number (default: the effective one).")
@click.option(
    "--format", "file_format", type=click.Choice(["docx"]), default="docx", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: CODE-NN.docx)."
)
@acting_user(required=False)
def export(
    code: str, issue: int | None, file_format: str, output: Path | None, as_user: str | None
) -> None:
    """Write an issue as a Word file, to edit in Word and bring back as the next draft
    with 'qms doc revise CODE --body FILE.docx'.

    \b
    Example:
      qms doc export QT-01 -o QT-01.docx --as thultm
    """
    from qms.services.documents import word_files

    with reading() as session:
        copy = word_files.export_issue(
            session, viewer=_viewer(session, as_user), code=code, issue=issue
        )
    target = output or Path(copy.filename)
    target.write_bytes(copy.data)
    click.echo(f"wrote {target} ({len(copy.data):,} bytes)")


@doc.command("revise")
@click.argument("code")
@click.option(
    "--body",
    "body_path",
    help="Markdown file with the new text ('-' for stdin), or a Word file (.docx).",
)
@click.option("--reason", help="Reason for change (Lý do sửa đổi).")
@click.option("--description", help="Description of change (Nội dung sửa đổi).")
@click.option(
    "--based-on",
    metavar="HASH",
    help="The content hash of the text you edited (as 'doc show' printed it): if the "
    "draft has changed since, nothing is saved (exit 7).",
)
@acting_user()
def revise(
    code: str,
    body_path: str | None,
    reason: str | None,
    description: str | None,
    based_on: str | None,
    as_user: str,
) -> None:
    """Start the next issue as a draft, or update your draft in progress.

    Without --body a new draft starts from the effective text. Staff keep seeing the
    effective issue until the new one takes effect. A body the controlled PDF would
    refuse (over 2 MB, nested too deep, too many table cells) is refused, with exit code 2.
    When others may edit the same draft, give --based-on: a save on a text that has
    changed since is refused instead of silently undoing their change.

    \b
    Example:
      qms doc revise QT-01 --body qt-01.md --reason "Kết quả đánh giá nội bộ" \\
          --description "Bổ sung bước kiểm tra" --as thultm
      qms doc revise QT-01 --body qt-01.md --based-on 3f5c...e1 --as thultm
    """
    from qms.services.documents import importer

    if body_path and Path(body_path).suffix.lower() in importer.WORD_SUFFIXES:
        from qms.services.documents import word_files
        from qms.services.documents.word import package

        data = read_file_input(body_path, option="--body", limit=package.MAX_DOCX_BYTES)
        with writing() as session:
            rev = word_files.revise_from_word(
                session,
                actor=users.get_active_user(session, as_user),
                code=code,
                data=data,
                filename=Path(body_path).name,
                reason=reason,
                description=description,
                based_on=based_on,
            )
        click.echo(f"{code.upper()} issue {rev.issue} is a draft (content hash {rev.content_hash})")
        return
    body = _read_body(body_path)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.revise(
            session,
            actor=actor,
            code=code,
            body=body,
            reason=reason,
            description=description,
            based_on=based_on,
        )
    click.echo(f"{code.upper()} issue {rev.issue} is a draft (content hash {rev.content_hash})")


@doc.command("submit")
@click.argument("code")
@click.option("--reviewer", help="Send to this reviewer only.")
@click.option("--approver", help="Send to this approver only.")
@acting_user()
def submit(code: str, reviewer: str | None, approver: str | None, as_user: str) -> None:
    """Sign your draft as drafted (password) and send it for review.

    \b
    Example:
      echo "$PASSWORD" | qms doc submit QT-01 --reviewer maidtt --approver haitt --as thultm
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.submit(
            session,
            actor=actor,
            code=code,
            password=password,
            reviewer=reviewer,
            approver=approver,
            limits=signing_limits(),
        )
    click.echo(f"{code.upper()} issue {rev.issue} submitted for review")


@doc.command("review")
@click.argument("code")
@click.option("--accept", "decision", flag_value="accept", help="Accept and sign as reviewed.")
@click.option("--return", "decision", flag_value="return", help="Return for changes.")
@click.option("--comment", default="", help="Comments (required when returning).")
@acting_user()
def review(code: str, decision: str | None, comment: str, as_user: str) -> None:
    """Review an issue: --accept signs it as reviewed (password); --return sends it
    back to the drafter with your comments.

    \b
    Example:
      qms doc review QT-01 --return --comment "Bổ sung thời hạn ở bước 3" --as maidtt
      echo "$PASSWORD" | qms doc review QT-01 --accept --as maidtt
    """
    if decision is None:
        raise click.UsageError("choose --accept or --return")
    accept = decision == "accept"
    password = read_password() if accept else None
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.review(
            session,
            actor=actor,
            code=code,
            accept=accept,
            comment=comment,
            password=password,
            limits=signing_limits(),
        )
    outcome = "reviewed" if accept else "returned to the drafter"
    click.echo(f"{code.upper()} issue {rev.issue} {outcome}")


@doc.command("approve")
@click.argument("code")
@click.option(
    "--effective-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="When it takes effect (default: today).",
)
@acting_user()
def approve(code: str, effective_date: datetime | None, as_user: str) -> None:
    """Approve a reviewed issue for issue (signature, password).

    \b
    Example:
      echo "$PASSWORD" | qms doc approve QT-01 --effective-date 2026-12-01 --as haitt
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.approve(
            session,
            actor=actor,
            code=code,
            password=password,
            effective_date=effective_date.date() if effective_date else None,
            limits=signing_limits(),
        )
    when: date | None = rev.planned_effective_date
    click.echo(f"{code.upper()} issue {rev.issue} approved; takes effect on {when:%Y-%m-%d}")


@doc.command("publish")
@click.argument("code", required=False)
@click.option("--due", is_flag=True, help="Publish every approved issue whose date has come.")
@acting_user()
def publish(code: str | None, due: bool, as_user: str) -> None:
    """Make an approved issue effective; the previous issue becomes superseded.

    With --due each due issue is published on its own: one that fails is named on
    stderr and the others still take effect (the exit code is then that of the
    first failure); one that another run has just published is skipped.

    \b
    Example:
      qms doc publish QT-01 --as thultm
      qms doc publish --due --as thultm     # e.g. daily from cron
    """
    if bool(code) == due:
        raise click.UsageError("give a document CODE or --due")
    if code:
        with writing() as session:
            actor = users.get_active_user(session, as_user)
            rev = revisions.publish(session, actor=actor, code=code)
        click.echo(f"{code.upper()} issue {rev.issue} is now effective")
        return
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        from qms.services.documents import publishing

        run = publishing.publish_due(session, actor=actor)
    for item in run.published:
        click.echo(f"{item.code} issue {item.issue} is now effective")
    for item in run.skipped:
        click.echo(f"{item.code} issue {item.issue} skipped: published meanwhile, or no longer due")
    for failure in run.failed:
        reason = Text(
            "{code} issue {issue} was not published: {reason}",
            code=failure.code,
            issue=failure.issue,
            reason=failure.error.text,
        )
        click.echo(f"error: {message_text(reason)}", err=True)
    if not (run.published or run.skipped or run.failed):
        click.echo("nothing due")
    if run.failed:
        raise click.exceptions.Exit(run.failed[0].error.exit_code)


@doc.command("obsolete")
@click.argument("code")
@click.option("--reason", required=True, help="Why the document is withdrawn.")
@acting_user()
def obsolete(code: str, reason: str, as_user: str) -> None:
    """Withdraw a document: its issues become obsolete and leave staff's view.

    \b
    Example:
      qms doc obsolete HD-MC-01 --reason "Thay bằng QT-TP-03" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        revisions.obsolete(session, actor=actor, code=code, reason=reason)
    click.echo(f"{code.upper()} withdrawn (obsolete)")


@doc.command("diff")
@click.argument("code")
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--color/--no-color", default=None, help="Colour (default: when on a terminal).")
@acting_user(required=False)
@format_option
def diff(code: str, old: int, new: int, color: bool | None, as_user: str | None, fmt: str) -> None:
    """Compare two issues: changed lines, with [-removed-]{+added+} words inside them.

    \b
    Example:
      qms doc diff QT-01 1 2 --as thultm
    """
    with reading() as session:
        from qms.services.documents import diff as diff_service

        result = diff_service.diff_issues(
            session, viewer=_viewer(session, as_user), code=code, old_issue=old, new_issue=new
        )
    if fmt == "json":
        echo_json(as_json(result))
        return
    click.echo(f"--- {result.code} issue {result.old_issue}")
    click.echo(f"+++ {result.code} issue {result.new_issue}")
    for line in result.lines:
        if line.op == "equal":
            continue
        if line.op == "delete":
            click.secho(f"- {line.old}", fg="red", color=color)
        elif line.op == "insert":
            click.secho(f"+ {line.new}", fg="green", color=color)
        else:
            click.echo("~ " + _inline(line.words, color))
    if not result.changed:
        click.echo("(no differences in the body)")


def _inline(words: "list[diff_service.WordChange]", color: bool | None) -> str:
    parts = []
    for w in words:
        if w.op == "equal":
            parts.append(w.old)
            continue
        if w.old:
            parts.append(click.style(f"[-{w.old}-]", fg="red") if color else f"[-{w.old}-]")
        if w.new:
            parts.append(click.style(f"{{+{w.new}+}}", fg="green") if color else f"{{+{w.new}+}}")
    return "".join(parts)


@doc.command("ack")
@click.argument("code")
@acting_user()
def ack(code: str, as_user: str) -> None:
    """Acknowledge having read the effective issue (Xác nhận đã đọc).

    \b
    Example:
      qms doc ack QT-01 --as huongnt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        record, created = revisions.acknowledge(session, actor=actor, code=code)
        tz = organisation.get_setting(session, "timezone")
    when = fmt_time(record.acknowledged_at, tz)
    click.echo(f"{code.upper()}: {'acknowledged' if created else 'already acknowledged'} on {when}")


@doc.command("due")
@click.option(
    "--within", "within_days", type=int, default=30, show_default=True, help="Days ahead."
)
@format_option
def due(within_days: int, fmt: str) -> None:
    """Documents due for periodic review (external ones: currency check), overdue first.

    \b
    Example:
      qms doc due --within 60
    """
    with reading() as session:
        items = documents.review_due(session, within_days=within_days)
    if fmt == "json":
        echo_json(
            [
                {
                    "code": i.document.code,
                    "title": i.document.title,
                    "due_on": i.due_on,
                    "kind": i.kind,
                    "overdue": i.overdue,
                }
                for i in items
            ]
        )
        return
    echo_table(
        ["CODE", "TITLE", "DUE", "WHAT", ""],
        [
            [
                i.document.code,
                i.document.title,
                f"{i.due_on:%Y-%m-%d}",
                i.kind,
                "OVERDUE" if i.overdue else "",
            ]
            for i in items
        ],
    )


@doc.command("reviewed")
@click.argument("code")
@click.option("--note", required=True, help="What the periodic review found.")
@acting_user()
def reviewed(code: str, note: str, as_user: str) -> None:
    """Record a periodic review that found the document still adequate (for external
    documents: that the referenced edition is still current).

    \b
    Example:
      qms doc reviewed QT-02 --note "Vẫn phù hợp, không cần sửa đổi" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        documents.record_periodic_review(session, actor=actor, code=code, note=note)
    click.echo(f"{code.upper()}: periodic review recorded")
