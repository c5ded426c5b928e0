"""Cells that a spreadsheet could run as a formula (OWASP "CSV injection"), and back.

A spreadsheet that opens a CSV file treats a cell beginning with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula (`=HYPERLINK(...)`, `-2+3`, `@SUM(...)`); some versions also treat
the full-width forms `＝ ＋ － ＠` so. Such a text cell is written with a `'` in front, which
makes every spreadsheet keep it as text: `=1+1` is written `'=1+1`.

The rule is exactly invertible, so a downloaded file loads back to the same table:

* `quote_formulas` adds one `'` to a cell that is any number of `'` followed by one of those
  characters (`=x` -> `'=x`, `'=x` -> `''=x`); every other cell is left as it is.
* `unquote_formulas` (the loader applies it to every text cell before validating) removes one
  `'` from a cell of that form with at least one `'` (`'=x` -> `=x`, `''=x` -> `'=x`).

So the `'` never counts towards a length limit, an id written `'-x` is read as `-x`, and a file
without such cells (data/events.csv) is written byte for byte as it was. Numbers are not text
cells: the export writes the coordinates as numbers (`-73.968`), which spreadsheets read as
numbers.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CLASS = "[" + "".join(re.escape(c) for c in FORMULA_START) + "]"
_NEEDS_QUOTE = "^'*" + _CLASS  # the cells quote_formulas changes
_QUOTED = "^'('*" + _CLASS + ")"  # unquote_formulas keeps the group: drops one `'`


def quote_formulas(values: pd.Series) -> pd.Series:
    """Each cell of a text column as a spreadsheet-safe cell: `'` in front when it could start
    a formula."""
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
