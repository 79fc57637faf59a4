"""Checks of configuration values: each error names the field and says what is allowed."""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np


def integer(name: str, value, minimum: int) -> int:
    """`value` as an int (Python or numpy integer, not bool) >= minimum, else an error naming `name`."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got the bool {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r} ({type(value).__name__})") from None
    if number < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {number}")
    return number


def real(name: str, value, low: float, high: float | None = None, low_open: bool = False) -> None:
    """Check that `value` is a real number (not bool, not NaN) in [low, high] (or (low, high] if `low_open`)."""
    bounds = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in {bounds}, got {value!r} ({type(value).__name__})")
    if math.isnan(value) or value < low or (low_open and value == low) or (high is not None and value > high):
        raise ValueError(f"{name} must be a number in {bounds}, got {value!r}")
