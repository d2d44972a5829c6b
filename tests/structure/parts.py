"""The parts of a split, as the structure tests write them."""

from decimal import Decimal

from structure.services import NewUnit, SplitPart


def split_parts(kind: str, *parts: tuple[str, str, str]) -> list[SplitPart]:
    """A new unit of ``kind`` for each ``(code, name, share)``."""
    return [
        SplitPart(unit=NewUnit(code=code, name=name, kind=kind), share=Decimal(share))
        for code, name, share in parts
    ]
