"""Spreadsheet-safe cells: the rule and its inverse."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.csvsafe import FORMULA_START, quote_formulas, unquote_formulas


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "'\r=x"),
        ("＝1", "'＝1"),
        ("'=x", "''=x"),
        ("plain", "plain"),
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_quote_formula(cell: str, written: str):
    assert quote_formulas(pd.Series([cell])).tolist() == [written]
    assert unquote_formulas(pd.Series([written])).tolist() == [cell]


cells = st.text(alphabet=st.sampled_from(["'", "a", " ", ";", *FORMULA_START]), max_size=6)


@given(st.lists(cells, max_size=8))
def test_unquote_undoes_quote(values: list[str]):
    s = pd.Series(values, dtype=str)
    written = quote_formulas(s)
    assert not any(w.startswith(FORMULA_START) for w in written)
    assert unquote_formulas(written).tolist() == values
