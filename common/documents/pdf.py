"""PDF of a .docx, by LibreOffice: the same document, page for page, fonts embedded.

LibreOffice (Debian's ``libreoffice-writer-nogui``, which ``make install`` adds when
missing) lays the .docx out as Word does and embeds the fonts it used: Times New
Roman where the server has it, else Liberation Serif, drawn to the same metrics and
with every Vietnamese letter. Each conversion runs in a fresh profile directory, so
that several at once (two workers, two downloads) do not wait for each other's lock.
A PDF is kept in the cache under the digest of its .docx (whose bytes depend only on
the document: ``docx.to_bytes``): the same document asked again (another reader of
the same scope) is not converted twice. A conversion longer than
``PDF_TIMEOUT_SECONDS`` is stopped, with every process it started; keep that below the
app server's own request timeout (gunicorn's is 30 s).
"""

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

PDF_MIME = "application/pdf"
CACHE_SECONDS = 24 * 3600


class PdfUnavailable(Exception):
    """The server cannot make a PDF now (LibreOffice missing, failing or too slow)."""


def _converter() -> str:
    found = shutil.which(settings.LIBREOFFICE)
    if found is None:
        raise PdfUnavailable(f"{settings.LIBREOFFICE} is not installed")
    return found


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of ``docx``; PdfUnavailable when it cannot be made."""
    key = "pdf:" + hashlib.sha256(docx).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    pdf = _convert(docx)
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _convert(docx: bytes) -> bytes:
    soffice = _converter()
    with tempfile.TemporaryDirectory(prefix="danvan-pdf-", ignore_cleanup_errors=True) as scratch:
        folder = Path(scratch)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        _run(command)
        target = folder / "document.pdf"
        if not target.is_file():
            raise PdfUnavailable("LibreOffice wrote no PDF")
        return target.read_bytes()


def _run(command: list[str]) -> None:
    """Run LibreOffice in a process group of its own, and on a timeout stop the whole
    group: ``soffice`` is a script that starts ``soffice.bin``, which would otherwise
    run on, orphaned, after its parent is killed."""
    try:
        process = subprocess.Popen(  # noqa: S603  # nosec B603 - our file, no shell
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise PdfUnavailable(f"LibreOffice could not start: {error}") from error
    try:
        code = process.wait(timeout=settings.PDF_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise PdfUnavailable("LibreOffice took too long to convert the document") from error
    if code != 0:
        raise PdfUnavailable(f"LibreOffice failed to convert the document (exit {code})")
