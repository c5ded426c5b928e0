"""Cells a spreadsheet could run as a formula (OWASP "CSV injection"), and back.

`quote_formulas` adds one `'` to a cell of any number of `'` then a formula start (`=x` -> `'=x`);
`unquote_formulas` (on load) removes it, so a downloaded file loads back to the same table."""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CLASS = "[" + "".join(re.escape(c) for c in FORMULA_START) + "]"
_NEEDS_QUOTE = "^'*" + _CLASS  # the cells quote_formulas changes
_QUOTED = "^'('*" + _CLASS + ")"  # unquote_formulas keeps the group: drops one `'`


def quote_formulas(values: pd.Series) -> pd.Series:
    """Each cell of a text column with a `'` in front when it could start a formula."""
    s = values.astype(str)
    risky = s.str.match(_NEEDS_QUOTE)
    if not risky.any():
        return s
    return s.where(~risky, "'" + s)


def unquote_formulas(values: pd.Series) -> pd.Series:
    """The inverse of `quote_formulas`; cheap when no cell starts with `'`."""
    if not values.str.startswith("'").any():
        return values
    return values.str.replace(_QUOTED, r"\1", n=1, regex=True)
