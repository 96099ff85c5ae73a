"""Arithmetic for the ``calculate`` tool, without ``eval``.

Agents send expressions like ``(350 - 122) * 2 + 600``. Only numbers, ``+ - * /``, unary signs
and parentheses are accepted; the expression is parsed with :mod:`ast` and walked, so no name,
call or attribute can ever run. The result is rounded to cents and reported as a float, which is
how the benchmark's recorded outputs show it (``"255.0"``).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

__all__ = ["CalculationError", "evaluate"]

_ALLOWED_CHARACTERS = frozenset("0123456789+-*/(). ")
_MAX_LENGTH = 1_000

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class CalculationError(ValueError):
    """The expression is not plain arithmetic, or cannot be evaluated."""


def _walk(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _walk(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError as error:
            raise CalculationError("division by zero") from error
        except OverflowError as error:
            raise CalculationError("the result is too large") from error
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand))
    raise CalculationError("only numbers, + - * /, and parentheses are allowed")


def evaluate(expression: str) -> float:
    """The value of ``expression`` rounded to two decimals; :class:`CalculationError` when it has none."""
    if len(expression) > _MAX_LENGTH:
        raise CalculationError(f"the expression is longer than {_MAX_LENGTH} characters")
    if not set(expression) <= _ALLOWED_CHARACTERS:
        raise CalculationError("invalid characters in expression")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        value = _walk(tree)
    except SyntaxError as error:
        raise CalculationError(f"invalid syntax: {error.msg}") from error
    except (RecursionError, MemoryError) as error:
        raise CalculationError("the expression is nested too deeply") from error
    try:
        result = round(float(value), 2)
    except OverflowError as error:
        raise CalculationError("the result is too large") from error
    if not math.isfinite(result):
        raise CalculationError("the result is too large")
    return result
