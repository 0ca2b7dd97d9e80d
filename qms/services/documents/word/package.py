"""The ``.docx`` container checked before any parser opens it.

A ``.docx`` is a zip. Its size, the number of its parts and their declared sizes are
checked from the central directory, then every part is decompressed once with a running
count (``qms.services.zipsize``), so a part that expands beyond what it declared (or beyond
the cap) is refused before mammoth or python-docx reads anything. Old binary Word, encrypted
(password protected) files, macro-enabled files and embedded objects are refused by name.
"""

import io
import zipfile
from dataclasses import dataclass

from qms.errors import ValidationError
from qms.services import zipsize

MAX_DOCX_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_EXPANDED_BYTES = 80 * 1024 * 1024  # all parts decompressed
MAX_PARTS = 2_000
MAX_RATIO = 200  # decompressed / compressed, for a part over 1 MB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_EMBEDDED_PREFIXES = ("word/embeddings/", "word/activex/")


@dataclass(frozen=True)
class CheckedPackage:
    data: bytes
    pages: int | None  # as Word counted them when it saved the file, if it did


def check(data: bytes, *, suffix: str) -> CheckedPackage:
    """Refuse anything but a plain ``.docx`` within the caps (ValidationError)."""
    if suffix == ".doc":
        raise ValidationError("an old binary Word file (.doc): save it as .docx in Word first")
    if suffix in (".docm", ".dotm"):
        raise ValidationError("a macro-enabled Word file: save it as a plain .docx without macros")
    if len(data) > MAX_DOCX_BYTES:
        raise ValidationError("the Word file is larger than {limit:,} bytes", limit=MAX_DOCX_BYTES)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise ValidationError(
                "the Word file is password-protected: remove the password in Word first"
            )
        raise ValidationError("an old binary Word file (.doc): save it as .docx in Word first")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError(
            "not a Word file (.docx): the file is damaged or of another kind"
        ) from None
    with archive:
        infos = archive.infolist()
        _check_parts(infos)
        _check_expansion(archive)
        names = {info.filename.lower() for info in infos}
        if "word/document.xml" not in names:
            raise ValidationError("not a Word file (.docx): it has no document part")
        pages = _pages(archive, names)
    return CheckedPackage(data, pages)


def _check_parts(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_PARTS:
        raise ValidationError(
            "the Word file has {count:,} parts; the limit is {limit:,}",
            count=len(infos),
            limit=MAX_PARTS,
        )
    declared = 0
    for info in infos:
        name = info.filename.lower()
        if info.flag_bits & 0x1:
            raise ValidationError(
                "the Word file is password-protected: remove the password in Word first"
            )
        if name.rsplit("/", 1)[-1] in _MACRO_PARTS:
            raise ValidationError(
                "the Word file contains macros: save it as a plain .docx without macros"
            )
        if name.startswith(_EMBEDDED_PREFIXES):
            raise ValidationError(
                "the Word file contains an embedded object ({part}): paste it as a picture "
                "or a table instead",
                part=info.filename,
            )
        declared += info.file_size
        if declared > MAX_EXPANDED_BYTES:
            raise ValidationError(
                "the Word file expands to more than {limit:,} bytes", limit=MAX_EXPANDED_BYTES
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ValidationError(
                "the Word file expands {ratio:,} times its size (a zip bomb?); refused",
                ratio=info.file_size // max(info.compress_size, 1),
            )


def _check_expansion(archive: zipfile.ZipFile) -> None:
    """Decompress every part with a running count: the real sizes, not the declared ones."""
    try:
        zipsize.check_expansion(archive, limit=MAX_EXPANDED_BYTES)
    except zipsize.TooLarge:
        raise ValidationError(
            "the Word file expands to more than {limit:,} bytes", limit=MAX_EXPANDED_BYTES
        ) from None
    except zipsize.Damaged:
        raise ValidationError(
            "not a Word file (.docx): the file is damaged or of another kind"
        ) from None


def _pages(archive: zipfile.ZipFile, names: set[str]) -> int | None:
    if "docprops/app.xml" not in names:
        return None
    from lxml import etree

    try:
        root = etree.fromstring(
            archive.read("docProps/app.xml"),
            etree.XMLParser(resolve_entities=False, no_network=True),
        )
    except (etree.XMLSyntaxError, KeyError):
        return None
    for element in root.iter("{*}Pages"):
        if (element.text or "").strip().isdigit():
            return int((element.text or "").strip())
    return None
