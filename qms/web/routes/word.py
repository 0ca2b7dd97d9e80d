"""Word files on the web: importing .docx (and Markdown) procedures with a preview first,
an issue downloaded as .docx, and the pictures a body shows."""

import base64
import binascii
import copy
import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from qms.domain import Role
from qms.errors import Joined, NotFound, Param, QMSError, Text, ValidationError
from qms.render.markdown import BLOB_RE
from qms.services.documents import bodies, importer, word_files
from qms.services.documents import register as documents
from qms.services.documents.word import package
from qms.services.people import users
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import translator
from qms.web.pages import flash, render
from qms.web.routes.responses import download

router = APIRouter()
MAX_FILES = 50
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


def web_images(html: str, code: str, issue: int) -> str:
    """A body's HTML with its pictures (``blob:<sha256>``) at the address that serves them
    to whoever may see the issue."""
    from urllib.parse import quote

    base = f"/documents/{quote(code, safe='')}/images/"
    return re.sub(r'src="blob:([0-9a-f]{64})"', rf'src="{base}\1?issue={issue}"', html)


@router.get("/documents/{code}/images/{sha256}")
def body_image(
    session: Db, user: CurrentUser, code: str, sha256: str, issue: int | None = None
) -> Response:
    """A picture of an issue the viewer may see, and only one that issue's body shows."""
    _, rev = documents.get_revision(session, viewer=user, code=code, issue=issue)
    if sha256 not in set(BLOB_RE.findall(rev.body)):
        raise NotFound("{code} issue {issue} shows no such picture", code=code, issue=rev.issue)
    images = bodies.body_images(session, rev.body)
    if sha256 not in images:
        raise NotFound("{code} issue {issue} shows no such picture", code=code, issue=rev.issue)
    data = images[sha256]
    media_type = next(
        (
            t
            for magic, t in (
                (b"\x89PNG", "image/png"),
                (b"\xff\xd8", "image/jpeg"),
                (b"GIF8", "image/gif"),
            )
            if data.startswith(magic)
        ),
        "application/octet-stream",
    )
    return Response(
        data, media_type=media_type, headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/documents/{code}/docx")
def docx_download(session: Db, user: CurrentUser, code: str, issue: int | None = None) -> Response:
    copy = word_files.export_issue(session, viewer=user, code=code, issue=issue)
    return download(copy.data, copy.filename, word_files.DOCX)


@router.get("/import-documents")
def import_form(request: Request, session: Db, user: CurrentUser) -> Response:
    users.require_role(session, user, Role.CONTROLLER, action=Text("import documents"))
    return render(
        request, "import.html", {"departments": users.list_departments(session), "plans": None}
    )


@router.post("/import-documents")
def import_files(
    request: Request,
    session: Db,
    user: CurrentUser,
    action: Annotated[str, Form()] = "preview",
    department: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    staged_name: Annotated[list[str] | None, Form()] = None,
    staged_data: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Preview (nothing is written) or, once the preview is confirmed, import the files."""
    users.require_role(session, user, Role.CONTROLLER, action=Text("import documents"))
    staged = _staged(files, staged_name or [], staged_data or [])
    overrides = {"department": department} if department else {}
    with tempfile.TemporaryDirectory(prefix="qms-import-") as folder:
        paths = []
        for name, data in staged:
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(path)
        try:
            if action == "import":
                results = importer.import_files(
                    session, actor=user, paths=paths, overrides=overrides
                )
                _ = translator(request)
                flash(request, _("{count} documents imported.").format(count=len(results)))
                return RedirectResponse("/documents", status_code=303)
            plans = importer.plan_files(session, actor=user, paths=paths, overrides=overrides)
        except QMSError as exc:
            raise _named_by_file(exc, folder + "/") from None
    context = {
        "departments": users.list_departments(session),
        "department": department,
        "plans": plans,
        "staged": [(name, base64.b64encode(data).decode()) for name, data in staged],
        "conflicts": sum(p.conflict is not None for p in plans),
    }
    return render(request, "import.html", context)


def _named_by_file(exc: QMSError, folder: str) -> QMSError:
    """The refusal naming the uploaded file as the user named it, not where it was kept."""

    def strip(value: Param) -> Param:
        if isinstance(value, str):
            return value.replace(folder, "")
        if isinstance(value, Text):
            named = copy.copy(value)  # the same message id, its values stripped
            named.params = {k: strip(v) for k, v in value.params.items()}
            return named
        if isinstance(value, Joined):
            return Joined([strip(v) for v in value.items], value.separator)  # type: ignore[misc]
        return value

    exc.text = strip(exc.text)  # type: ignore[assignment]
    exc.args = (str(exc.text),)
    return exc


def _staged(
    files: list[UploadFile] | None, names: list[str], data: list[str]
) -> list[tuple[str, bytes]]:
    """The uploaded files, or those carried over from the preview, under safe names."""
    found: list[tuple[str, bytes]] = []
    for upload in files or []:
        if upload.filename:
            found.append((upload.filename, upload.file.read(package.MAX_DOCX_BYTES + 1)))
    for name, encoded in zip(names, data, strict=False):
        try:
            found.append((name, base64.b64decode(encoded, validate=True)))
        except (binascii.Error, ValueError):
            raise ValidationError("{path}: the file was damaged on the way", path=name) from None
    if not found:
        raise ValidationError("no Markdown or Word files to import")
    if len(found) > MAX_FILES:
        raise ValidationError("at most {limit} files at once", limit=MAX_FILES)
    safe: dict[str, bytes] = {}
    for name, content in found:
        clean = _SAFE_NAME.sub("_", Path(name).name).strip(" .") or "file"
        if clean in safe:
            raise ValidationError("{path}: the same file name twice", path=clean)
        safe[clean] = content
    return list(safe.items())
