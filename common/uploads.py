"""What an uploaded Office file must be before anything reads it: a zip archive that
holds the folder its type has (``word/`` for .docx, ``xl/`` for .xlsx), whose
listing says it unpacks to no more than ``OFFICE_MAX_UNPACKED_BYTES``.

The listing is read from the archive's central directory, without unpacking
anything: a "zip bomb" (a megabyte that unpacks to a gigabyte) is refused before
python-docx or openpyxl would inflate it. Used by directive evidence and by the
imports of reports (one rule, one place).
"""

import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OFFICE_FOLDER = {"docx": "word/", "xlsx": "xl/"}
# Documents one may attach (evidence, annexes): extension -> the first bytes its
# content must start with.
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


# What reading a damaged Office archive raises, whichever library reads it (python-docx,
# openpyxl add their own): a missing or broken part, corrupt compressed data, an
# entry zipfile cannot read. Read by the imports to refuse the file, not fail.
DAMAGED_ARCHIVE = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
)


class NotAnOfficeFile(Exception):
    """The upload is not the Office file it claims to be (``reason``: "type" or "size")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_office_archive(upload, extension: str) -> None:
    """Raise ``NotAnOfficeFile`` unless ``upload`` is a .docx or .xlsx (``extension``)
    whose archive unpacks within the limit. Leaves the upload at its start."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise NotAnOfficeFile("type") from error
    finally:
        upload.seek(0)
    if not any(entry.filename.startswith(OFFICE_FOLDER[extension]) for entry in entries):
        raise NotAnOfficeFile("type")
    # Office never encrypts entries this way nor packs them but stored or deflated.
    if any(
        entry.flag_bits & 0x1
        or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        for entry in entries
    ):
        raise NotAnOfficeFile("type")
    if sum(entry.file_size for entry in entries) > settings.OFFICE_MAX_UNPACKED_BYTES:
        raise NotAnOfficeFile("size")


def office_refusal(error: NotAnOfficeFile, extension: str) -> str:
    """What to tell the user of a refused Office file, in their language."""
    if error.reason == "size":
        return _(
            "The file unpacks to more than %(limit)s, which no real document does. Attach "
            "the real document."
        ) % {"limit": filesizeformat(settings.OFFICE_MAX_UNPACKED_BYTES)}
    return _("The file's content does not match its type (.%(ext)s). Attach the real document.") % {
        "ext": extension
    }


def checked_extension(upload, *, limit: int) -> str:
    """Check an uploaded document (directive evidence, a report's annex) and return its
    normalised extension.

    Refuses files above the size limit, outside the allow-list, or whose
    content is not what the extension says (whatever the browser claimed).
    """
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(
            _(
                "This type of file is not accepted. Attach a PDF, Word (.docx), Excel (.xlsx), "
                "JPG or PNG file."
            ),
            code="type_not_allowed",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(DOCUMENT_SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s). Attach the real document.")
            % {"ext": extension},
            code="content_mismatch",
        )
    if extension in OFFICE_FOLDER:
        try:
            check_office_archive(upload, extension)
        except NotAnOfficeFile as refused:
            raise ValidationError(
                office_refusal(refused, extension), code="content_mismatch"
            ) from refused
    return "jpg" if extension == "jpeg" else extension
