"""A document sent to the reader as a download: the .docx, or its PDF."""

import datetime
import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from common.dates import query_date
from common.documents.docx import DOCX_MIME, document_number
from common.documents.pdf import PDF_MIME, PdfUnavailable, docx_to_pdf

logger = logging.getLogger(__name__)


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def document_download(request: HttpRequest, docx: bytes, name: str, *, back: str) -> HttpResponse:
    """The document as ``name``.docx, or as ``name``.pdf when the reader's PDF button
    asked (``format=pdf``); back to ``back`` with the reason when no PDF can be made."""
    if request.GET.get("format") != "pdf":
        return download(docx, f"{name}.docx", DOCX_MIME)
    try:
        pdf = docx_to_pdf(docx)
    except PdfUnavailable:
        logger.exception("No PDF of %s", name)
        messages.error(
            request,
            _("The PDF cannot be made on this server now; download the .docx instead."),
        )
        return redirect(back)
    return download(pdf, f"{name}.pdf", PDF_MIME)


def document_date(request: HttpRequest, *, default_day: datetime.date) -> datetime.date | None:
    """The date a document carries (its own: by default the quarter's or the meeting's,
    never the day of the download); None, with the reason in a message, when the date
    typed is not one."""
    day = query_date(request.GET.get("date"), default=default_day)
    if day is None:
        messages.error(
            request,
            _("The document's date must be a date between 01/01/2000 and 31/12/2100."),
        )
    return day


def document_number_and_date(
    request: HttpRequest, *, default_day: datetime.date
) -> tuple[str, datetime.date] | None:
    """The number and the date a document is drafted with; None, with the reason in a
    message, when either is not one."""
    number = document_number(request.GET.get("number"))
    if number is None:
        messages.error(
            request, _("The document number must be a whole number, such as 12, or left empty.")
        )
    day = document_date(request, default_day=default_day)
    if number is None or day is None:
        return None
    return number, day
