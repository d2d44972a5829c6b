"""What an uploaded Office file must be before anything reads it: a zip archive that
holds the folder its type has (``word/`` for .docx, ``xl/`` for .xlsx), whose
listing says it unpacks to no more than ``OFFICE_MAX_UNPACKED_BYTES``.

The listing is read from the archive's central directory, without unpacking
anything: a "zip bomb" (a megabyte that unpacks to a gigabyte) is refused before
python-docx or openpyxl would inflate it. Used by directive evidence and by the
imports of reports (one rule, one place).
"""

import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OFFICE_FOLDER = {"docx": "word/", "xlsx": "xl/"}


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
