"""The small language of the quality rules' two sides (``ValidationRule.left`` and
``right``): numbers, indicator codes (``DT_DONE``, or ``[a-code-with-hyphens]``),
+ - * / and brackets. Parsed by hand into a tree and evaluated with Decimal: never
``eval``, no names but codes, nothing else to call."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|\[(?P<bracketed>[A-Za-z0-9_-]+)\]"
    r"|(?P<code>[A-Za-z_][A-Za-z0-9_]*)|(?P<symbol>[-+*/()]))"
)
MAX_DEPTH = 20  # brackets (or signs) inside one another: a rule needs a few
OPERATORS = {"<=": "≤", "<": "<", "=": "=", ">=": "≥", ">": ">"}


class ExpressionError(ValueError):
    """An expression that cannot be read; the message says where."""


@dataclass(frozen=True)
class Expression:
    """A parsed side of a rule: a number, an indicator code, or an operation."""

    op: str  # "number", "code", "neg", "+", "-", "*", "/"
    value: Decimal | str | None = None
    left: Expression | None = None
    right: Expression | None = None

    def codes(self) -> list[str]:
        if self.op == "code":
            return [str(self.value)]
        found = []
        for part in (self.left, self.right):
            if part is not None:
                found += [code for code in part.codes() if code not in found]
        return found

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """Its value with ``values`` by code; None if a code has no value or on a
        division by zero (the rule then does not apply)."""
        if self.op == "number":
            return Decimal(self.value or 0)
        if self.op == "code":
            return values.get(str(self.value))
        left = self.left.evaluate(values) if self.left else None
        if self.op == "neg":
            return None if left is None else -left
        right = self.right.evaluate(values) if self.right else None
        if left is None or right is None:
            return None
        if self.op == "+":
            return left + right
        if self.op == "-":
            return left - right
        if self.op == "*":
            return left * right
        if right == 0:
            return None
        return left / right


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(
                _("Cannot read “%(rest)s”.") % {"rest": text[position:].strip()[:30]}
            )
        kind = match.lastgroup or ""
        value = match.group(kind)
        tokens.append(("code" if kind == "bracketed" else kind, value))
        position = match.end()
    return tokens


def parse(text: str) -> Expression:
    """An expression over indicator codes: numbers, codes (``DT_DONE``, or
    ``[a-code-with-hyphens]``), + - * / and brackets."""
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError(_("The expression is empty."))
    position = 0

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal position
        token = peek()
        if token is None:
            raise ExpressionError(_("The expression ends too early."))
        position += 1
        return token

    depth = 0

    def factor() -> Expression:
        nonlocal depth
        kind, value = take()
        if kind == "number":
            return Expression("number", Decimal(value))
        if kind == "code":
            return Expression("code", value)
        if value == "-":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(_("Too many brackets inside one another."))
            negated = Expression("neg", left=factor())
            depth -= 1
            return negated
        if value == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(_("Too many brackets inside one another."))
            inner = expression()
            depth -= 1
            if take() != ("symbol", ")"):
                raise ExpressionError(_("A bracket is not closed."))
            return inner
        raise ExpressionError(_("Unexpected “%(symbol)s”.") % {"symbol": value})

    def term() -> Expression:
        node = factor()
        while peek() in (("symbol", "*"), ("symbol", "/")):
            node = Expression(take()[1], left=node, right=factor())
        return node

    def expression() -> Expression:
        node = term()
        while peek() in (("symbol", "+"), ("symbol", "-")):
            node = Expression(take()[1], left=node, right=term())
        return node

    parsed = expression()
    if position != len(tokens):
        raise ExpressionError(_("Unexpected “%(symbol)s”.") % {"symbol": tokens[position][1]})
    return parsed


def holds(left: Decimal, operator: str, right: Decimal) -> bool:
    return {
        "<=": left <= right,
        "<": left < right,
        "=": left == right,
        ">=": left >= right,
        ">": left > right,
    }[operator]
