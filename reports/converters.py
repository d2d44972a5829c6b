"""The one way a quarter appears in an address: ``<quarter:quarter>``."""

from reports.models import Quarter


class QuarterConverter:
    """``2024-q1`` in the address, the ``Quarter`` in the view.

    A well-formed slug of a quarter that does not exist matches nothing, so the
    address is a 404 like any other unknown address. Reversing takes a quarter or
    its slug.
    """

    regex = r"[0-9]{4}-q[1-4]"

    def to_python(self, value: str) -> Quarter:
        try:
            return Quarter.objects.get_by_slug(value)
        except Quarter.DoesNotExist:
            raise ValueError(value) from None

    def to_url(self, value: Quarter | str) -> str:
        return value.slug if isinstance(value, Quarter) else str(value)
