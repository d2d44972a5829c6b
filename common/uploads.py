"""What an uploaded file must be before anything keeps or reads it.

An Office file: a zip archive that holds the folder its type has (``word/`` for
.docx, ``xl/`` for .xlsx), whose listing says it unpacks to no more than
``OFFICE_MAX_UNPACKED_BYTES``. The listing is read from the archive's central
directory, without unpacking anything: a "zip bomb" (a megabyte that unpacks to a
gigabyte) is refused before python-docx or openpyxl would inflate it.

A PDF must open as one (pypdf reads its cross-reference table and its pages,
seeking in the file rather than reading it whole); a JPEG or PNG must decode
(Pillow, within ``IMAGE_MAX_PIXELS``). Used by directive evidence, report annexes
and the imports of reports (one rule, one place).
"""

import logging
import warnings
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

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
        raise _not_what_it_claims(extension)
    if extension in OFFICE_FOLDER:
        try:
            check_office_archive(upload, extension)
        except NotAnOfficeFile as refused:
            raise ValidationError(
                office_refusal(refused, extension), code="content_mismatch"
            ) from refused
    elif extension == "pdf":
        _check_pdf(upload)
    else:
        _check_image(upload, extension)
    return "jpg" if extension == "jpeg" else extension


def _not_what_it_claims(extension: str) -> ValidationError:
    return ValidationError(
        _("The file's content does not match its type (.%(ext)s). Attach the real document.")
        % {"ext": extension},
        code="content_mismatch",
    )


def _check_pdf(upload) -> None:
    """The file opens as a PDF with at least one page (a "%PDF-" header over HTML, a
    broken or truncated file does not)."""
    upload.seek(0)
    try:
        with warnings.catch_warnings(), _quiet("pypdf"):
            warnings.simplefilter("ignore")
            pages = len(PdfReader(upload, strict=False).pages)
    except Exception as error:  # pypdf raises many kinds for a file that is not a PDF
        raise _not_what_it_claims("pdf") from error
    finally:
        upload.seek(0)
    if pages < 1:
        raise _not_what_it_claims("pdf")


IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}


def _check_image(upload, extension: str) -> None:
    """The file decodes as the image its extension says, of at most
    ``IMAGE_MAX_PIXELS`` (a small file may claim a huge picture)."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != IMAGE_FORMATS[extension]:
                    raise _not_what_it_claims(extension)
                width, height = image.size
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        _(
                            "The picture is too large (%(width)s × %(height)s pixels). "
                            "Attach a smaller copy."
                        )
                        % {"width": width, "height": height},
                        code="too_large",
                    )
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.draft("RGB", (512, 512))  # a JPEG decodes at a fraction of its size
                image.load()
    except ValidationError:
        raise
    except Exception as error:  # truncated, corrupt, or a bomb: Pillow's many kinds
        raise _not_what_it_claims(extension) from error
    finally:
        upload.seek(0)


class _quiet:
    """A library's logger silenced for a block (pypdf logs each oddity of a bad file)."""

    def __init__(self, name: str):
        self.logger = logging.getLogger(name)

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL)

    def __exit__(self, *_exc_info):
        self.logger.setLevel(self.level)
