"""A document sent to the reader as a download: the .docx, or its PDF."""

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from common.documents.docx import DOCX_MIME
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
