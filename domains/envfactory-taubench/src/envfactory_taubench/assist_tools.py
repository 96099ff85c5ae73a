"""Tools that change nothing: arithmetic, a scratchpad, and the hand-over to a human agent."""

from __future__ import annotations

from envfactory_core.env import Context, ToolError

from .calculator import CalculationError, evaluate

__all__ = ["TRANSFER_MESSAGE", "calculate", "think", "transfer_to_human_agents"]

TRANSFER_MESSAGE = "Transfer successful"


def calculate(ctx: Context, expression: str) -> float:
    """Calculate an arithmetic expression with numbers, + - * /, and parentheses; the result is rounded to cents.

    Args:
        expression: The expression, such as '(350 - 122) * 2 + 50'.
    """
    try:
        return evaluate(expression)
    except CalculationError as error:
        raise ToolError(str(error), code="invalid_expression") from error


def think(ctx: Context, thought: str) -> str:
    """Think something through before acting; nothing is looked up or changed, and the answer is empty.

    Args:
        thought: The reasoning to write down.
    """
    return ""


def transfer_to_human_agents(ctx: Context, summary: str) -> str:
    """Hand the user over to a human agent, with a summary of the issue.

    Only when the request cannot be handled with the other tools, as the policy says.

    Args:
        summary: What the user wants and what has been done so far.
    """
    return TRANSFER_MESSAGE
