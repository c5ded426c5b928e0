"""The per-process view cache: what the page shows of a table under a filter state, built once
per table, state, theme and arguments, and shared by every session of the process that asks."""

from __future__ import annotations

import functools
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from _plotly_utils.utils import convert_to_base64

from timeline import figures, palette, timeline_chart, url_state
from timeline.filters import FilterState, apply_filters
from timeline.packing import Stretch

T = TypeVar("T")
_TABLE_TOKENS: dict[int, tuple[weakref.ref[pd.DataFrame], str]] = {}
_TABLE_TOKENS_LOCK = threading.Lock()


def _table_token(df: pd.DataFrame) -> str:
    """A name for this table object, new for each table loaded (even at a reused `id()`)."""
    with _TABLE_TOKENS_LOCK:  # sessions asking at once must get one name, hence one build
        entry = _TABLE_TOKENS.get(id(df))
        if entry is None or entry[0]() is not df:
            entry = (weakref.ref(df), uuid.uuid4().hex)
            _TABLE_TOKENS[id(df)] = entry
        return entry[1]


class SentFigure(go.Figure):
    """A finished figure as the views' cache keeps it, read-only: `to_dict()`, which
    st.plotly_chart calls on every run, hands back the dict it serializes, made once."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec, _validate=False)
        self._sent = spec_of(self)
        convert_to_base64(self._sent)

    def to_dict(self) -> dict[str, Any]:
        return self._sent


# Entries are tens of kB: room for hundreds of filter states. Called with keywords: for a
# positional argument Streamlit reads the signature on every call.
@st.cache_resource(show_spinner=False, max_entries=512, ttl=3600)
def _built(
    name: str, table: str, view: str, dark: bool, args: tuple[Any, ...], _build: Any, _of: Any
) -> Any:
    page = {"pal": palette.for_page(dark)} if _draws(_build) else {}
    built = _build(_of.filtered, *args, **page)
    return SentFigure(spec_of(built)) if isinstance(built, go.Figure) else built


def _draws(build: Callable[..., Any]) -> bool:
    """Whether `build` draws a figure: it takes `pal` (read from its code, as it is asked often)."""
    code = getattr(build, "__code__", None)  # none for a builtin (`len`)
    return "pal" in (code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] if code else ())


def spec_of(fig: go.Figure) -> dict[str, Any]:
    """`fig` as a spec of its own dicts and lists, sharing the values (arrays, text) with it:
    change its containers, never a value in place (`fig.to_dict()` would copy every array)."""
    spec = {"data": figures.containers(fig._data), "layout": figures.containers(fig._layout)}
    if fig.frames:
        spec["frames"] = [figures.containers(frame._props) for frame in fig.frames]
    return spec


# Small answers (a count, a card's HTML) apart: they would push figures out of `_built`.
@st.cache_resource(show_spinner=False, max_entries=4096, ttl=3600)
def _answer(name: str, table: str, view: str, args: tuple[Any, ...], _build: Any, _of: Any) -> Any:
    return _build(_of.filtered, *args)


class Views:
    """What the page shows of `table` under `state`: `views(build, *args)` is
    `build(views.filtered, *args)` (with the page's `pal` if it takes one), built once per
    table, state, theme and arguments in the process and shared by every session: read-only."""

    def __init__(self, table: pd.DataFrame, state: FilterState, dark: bool = False) -> None:
        self.table, self.state, self.dark = table, state, dark
        self._token = _table_token(table)
        self._view = repr(sorted(url_state.to_query_params(state).items()))

    @functools.cached_property
    def filtered(self) -> pd.DataFrame:
        """The events of the table that pass the filters (the table itself for none)."""
        return apply_filters(self.table, self.state)

    def __call__(self, build: Callable[..., T], *args: Any) -> T:
        return _built(**self._key(build), dark=self.dark, args=args, _build=build, _of=self)

    def _key(self, build: Callable[..., Any]) -> dict[str, str]:
        name = f"{build.__module__}.{build.__qualname__}"
        return {"name": name, "table": self._token, "view": self._view}

    def timeline(self, event_id: str | None, window: Stretch | None) -> go.Figure:
        """The timeline of the filtered events, its parts made once per state, ringed per event."""

        def ringed(filtered: pd.DataFrame, event_id: str | None, window: Stretch | None) -> Any:
            parts = self(timeline_chart.timeline_parts, window)
            return timeline_chart.ringed(parts, filtered, event_id)

        return self(ringed, event_id, window)

    def answer(self, build: Callable[..., T], *args: Any) -> T:
        """`build(filtered, *args)` for a small answer (`len`, a yes or no)."""
        return _answer(**self._key(build), args=args, _build=build, _of=self)

    def of_table(self, build: Callable[..., T], *args: Any) -> T:
        """`build(table, *args)`, a small answer once per table, whatever the filters."""
        return self.whole.answer(build, *args)

    @functools.cached_property
    def whole(self) -> Views:
        """The views of the whole table, whatever the filters: for facts of the record."""
        return Views(self.table, FilterState(), self.dark)
