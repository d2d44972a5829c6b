"""Pages and JSON answers compressed for the browsers that ask (the dashboard goes
from 58 KB to 7 KB for a tablet on a slow line). Static files are WhiteNoise's,
compressed once when collected; the downloads (.docx, .xlsx, .pdf) are compressed
already."""

from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = ("text/html", "text/plain", "text/csv", "application/json")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip, for text only. Django pads each gzipped answer with random bytes
    (``max_random_bytes``, "Heal The Breach"), so a page's size does not give away a
    secret in it (BREACH); the CSRF token is masked afresh on every page besides."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        # A page that shows a secret the same on every load (a second factor's key)
        # goes as it is: nothing to measure the size of.
        if getattr(response, "holds_secret", False):
            return response
        return super().process_response(request, response)
