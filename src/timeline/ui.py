"""Streamlit glue for app.py: cached loading, the sidebar's filters, the URL and selections.

The only module of the package that imports Streamlit. The logic it wires up lives in plain,
tested modules (loading, filters, url_state, figures, export).
"""

from __future__ import annotations

import io
import os
import re
import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from timeline import package, selection, url_state
from timeline.filters import FILTERS, LIST_FILTERS, FilterOptions, FilterState, restrict
from timeline.io import Problem, upload_limits
from timeline.loading import DEFAULT_DATA, Loaded, data_path, load_file, load_table

__all__ = ["DEFAULT_DATA", "data_path"]  # app.py reads them here, with the rest of the glue

MAX_PROBLEMS_SHOWN = 500

# Widget keys: the filters' keys are their query parameters' names.
K_YEARS, K_QUERY = "years", "q"
K_MAP_MODE, K_UPLOAD, K_RESET = "map_mode", "upload", "reset"
K_TIMELINE, K_MAP, K_PER_YEAR, K_CLEAR_EVENT, K_DOWNLOAD, K_DOWNLOAD_PACKAGE = (
    "timeline_chart",
    "map_chart",
    "per_year_chart",
    "clear_event",
    "download",
    "download_package",
)
K_TABLE_PREFIX = "table_"
# Session state that is not a widget.
S_EVENT, S_TABLE_NONCE, S_URL, S_NOTICES = (
    "selected_event",
    "_table_nonce",
    "_url_written",
    "_url_notices",
)

MAP_MODES = ("Places", "Countries")
_LIST_KEYS = {f.field: f.param for f in LIST_FILTERS}


# ---------------------------------------------------------------------------------------------
# Plain helpers


def note(text: str, where: Any = st) -> None:
    """A hint in small print. Not st.caption: its grey fails WCAG contrast on white (3.9:1).
    `text` is Markdown: escape data with md_escape."""
    where.markdown(f":small[{text}]")


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """The loader's problems as a table: line, column, value, problem."""
    return pd.DataFrame(
        {
            "Line": [str(p.line) if p.line else "whole file" for p in problems],
            "Column": [p.column for p in problems],
            "Value": [p.value or "" for p in problems],
            "Problem": [p.message for p in problems],
        }
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown (no links, images, colours or icons from data)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


# ---------------------------------------------------------------------------------------------
# Loading (cached per process)


# st.cache_resource, not st.cache_data: cache_data pickles the answer when it stores it and
# unpickles a copy on every rerun, which for a million events is seconds and another copy of
# the frame in memory per rerun. cache_resource hands every run the same object, so the frame
# is shared and must be treated as read-only: nothing in the app writes to it (filters and
# figures select rows into new frames; `apply_filters` with no filter returns it as is).
@st.cache_resource(show_spinner="Loading the event table…", max_entries=2)
def _load_path(path: str, mtime_ns: int, size: int) -> Loaded:
    return load_file(path, background=True)


@st.cache_resource(show_spinner="Reading your file…", max_entries=4)
def load_upload(data: bytes, name: str) -> Loaded:
    return load_table(io.BytesIO(data), name=name, limits=upload_limits())


def load_path(path: Path) -> Loaded:
    """The table at `path`, read once per version of the file."""
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0)  # read_events reports the missing file
    return _load_path(os.fspath(path), *key)


def show_problems(loaded: Loaded, headline: str) -> None:
    """A page-level error naming the file, with the loader's list of problems."""
    n = len(loaded.problems)
    name = md_escape(loaded.name)
    st.error(
        f"{headline}  \n{name}: {n} problem{'s' if n != 1 else ''} found.", icon=":material/error:"
    )
    shown = problems_frame(loaded.problems[:MAX_PROBLEMS_SHOWN])
    st.dataframe(shown, hide_index=True, width="stretch")
    if n > MAX_PROBLEMS_SHOWN:
        note(f"… and {n - MAX_PROBLEMS_SHOWN} more.")


# ---------------------------------------------------------------------------------------------
# What a view shows, built once per table and filter state (shared by the sessions of a process)

T = TypeVar("T")
_TABLE_TOKENS: dict[int, tuple[weakref.ref[pd.DataFrame], str]] = {}
_TABLE_TOKENS_LOCK = threading.Lock()


def _table_token(df: pd.DataFrame) -> str:
    """A name for this loaded table object, new for every table the process loads (a reused
    `id()` of a freed table gets a new name: the weak reference tells them apart)."""
    with _TABLE_TOKENS_LOCK:  # sessions asking at once must get one name, hence one build
        entry = _TABLE_TOKENS.get(id(df))
        if entry is None or entry[0]() is not df:
            entry = (weakref.ref(df), uuid.uuid4().hex)
            _TABLE_TOKENS[id(df)] = entry
        return entry[1]


@st.cache_resource(show_spinner=False, max_entries=128, ttl=3600)
def _built(name: str, table: str, view: str, args: tuple[Any, ...], _build: Any, _df: Any) -> Any:
    return _build(_df, *args)


def view_cache(table: pd.DataFrame, state: FilterState) -> Callable[..., Any]:
    """`per_view(build, filtered, *args)`: `build(filtered, *args)`, built once per table,
    filter state and args in this process, however many sessions ask (Streamlit computes a
    missing entry once, under a lock per key). `filtered` must be `table` filtered by `state`;
    the answer is shared between sessions, so it must be treated as read-only (figures are
    only serialized, CSV bytes only sent)."""
    token = _table_token(table)
    view = repr(sorted(url_state.to_query_params(state).items()))

    def per_view(build: Callable[..., T], filtered: pd.DataFrame, *args: Any) -> T:
        name = f"{build.__module__}.{build.__qualname__}"
        return _built(name, token, view, args, build, filtered)

    return per_view


# ---------------------------------------------------------------------------------------------
# Filter state <-> widgets <-> URL


def _current_params() -> dict[str, list[str]]:
    qp = st.query_params
    return url_state.normalize_params({k: qp.get_all(k) for k in qp})


def _put_state(state: FilterState, options: FilterOptions) -> None:
    ss = st.session_state
    for name, key in _LIST_KEYS.items():
        ss[key] = list(getattr(state, name))
    ss[K_YEARS] = tuple(state.years or options.years)
    ss[K_QUERY] = state.query


def _widget_state(options: FilterOptions) -> FilterState:
    ss = st.session_state
    years = ss.get(K_YEARS)
    years = tuple(int(y) for y in years) if years is not None else None
    return restrict(
        FilterState(
            **{name: tuple(ss.get(key) or ()) for name, key in _LIST_KEYS.items()},
            years=years,  # type: ignore[arg-type]
            query=str(ss.get(K_QUERY) or ""),
        ),
        options,
    )


def restore_from_url(options: FilterOptions) -> tuple[str, ...]:
    """On a new session, or when the URL changed outside the app (Back, Forward, an edited
    link), set the filters and the selected event from it. Returns the notices about values
    in the URL that were ignored. Call before the widgets."""
    ss = st.session_state
    current = _current_params()
    if ss.get(S_URL) != current:
        parsed = url_state.parse_query_params(current, options)
        _put_state(parsed.filters, options)
        ss[S_EVENT] = parsed.event
        ss[S_NOTICES] = parsed.notices
        ss[S_URL] = current
    else:
        # Same URL: keep the widgets' values, made valid for this table (it may have changed).
        state = _widget_state(options)
        _put_state(state, options)
        if ss.get(S_EVENT) not in options.event_ids:
            ss[S_EVENT] = None
    return tuple(ss.get(S_NOTICES, ()))


def write_url(state: FilterState, event: str | None) -> None:
    """Put the view in the URL (one history entry per change)."""
    ss = st.session_state
    target = url_state.to_query_params(state, event)
    if target != _current_params():
        st.query_params.from_dict(target)
    if target != ss.get(S_URL):
        ss[S_NOTICES] = ()  # the person has moved on from the link they opened
    ss[S_URL] = target


def share_url(state: FilterState, event: str | None) -> str | None:
    """The address that restores this view, as the person's browser reaches the app."""
    return package.share_url(st.context.url, url_state.to_query_params(state, event))


def _reset(options: FilterOptions) -> None:
    _put_state(FilterState(), options)


def sidebar_filters(options: FilterOptions) -> FilterState:
    """The filter widgets (in the current container); returns the state they describe."""
    for f in LIST_FILTERS:
        st.multiselect(
            f.label,
            getattr(options, f.field),
            key=f.param,
            format_func=f.name,
            placeholder=f.placeholder,
            help=f.help,
        )
    lo, hi = options.years
    if lo < hi:
        st.slider(
            "Years",
            min_value=lo,
            max_value=hi,
            value=(lo, hi),
            key=K_YEARS,
            step=1,
            help="An event is shown when its period overlaps these years.",
        )
    else:
        note(f"Years: every event is in {lo}.")
    st.text_input(
        "Search",
        key=K_QUERY,
        placeholder="e.g. ceasefire, Volonte",
        help="Title, description, place, countries and organizations. Every word must appear; "
        "case and accents do not matter.",
    )
    return _widget_state(options)


def reset_button(options: FilterOptions, state: FilterState) -> None:
    st.button(
        "Reset filters",
        key=K_RESET,
        on_click=_reset,
        args=(options,),
        disabled=state.is_default(),
        help="Show every event again.",
    )


# ---------------------------------------------------------------------------------------------
# Selections


def _select_event(event_id: str | None, *, from_table: bool = False) -> None:
    ss = st.session_state
    ss[S_EVENT] = event_id
    if not from_table:
        # A new table widget drops a stale row selection in the table.
        ss[S_TABLE_NONCE] = ss.get(S_TABLE_NONCE, 0) + 1


def on_chart_select(key: str, options: FilterOptions) -> Callable[[], None]:
    """A callback for st.plotly_chart(on_select=...): a clicked event becomes the selected
    event; a clicked country (choropleth) becomes the country filter."""

    def callback() -> None:
        picked = st.session_state.get(key)
        country = selection.selected_country(picked)
        if country is not None:
            if country in options.countries:
                st.session_state[FILTERS["countries"].param] = [country]
            return
        event_id = selection.selected_event_id(picked)
        if event_id is not None and event_id in options.event_ids:
            _select_event(event_id)

    return callback


def table_key() -> str:
    return f"{K_TABLE_PREFIX}{st.session_state.get(S_TABLE_NONCE, 0)}"


def on_table_select(key: str, ids: Sequence[str]) -> Callable[[], None]:
    """A callback for st.dataframe(on_select=...): the clicked row becomes the selected event."""

    def callback() -> None:
        row = selection.selected_row(st.session_state.get(key))
        if row is not None and 0 <= row < len(ids):
            _select_event(ids[row], from_table=True)

    return callback


def clear_event() -> None:
    _select_event(None)


def chart(fig: Any, key: str, on_select: Callable[[], None] | None, alt: str, **kw: Any) -> None:
    """st.plotly_chart with the app's settings: the base map from /app/static/, no logo."""
    config = {"topojsonURL": "/app/static/", "displaylogo": False}
    if on_select is None:
        st.plotly_chart(fig, key=key, config=config, width="stretch", alt=alt, **kw)
    else:
        st.plotly_chart(
            fig,
            key=key,
            config=config,
            width="stretch",
            alt=alt,
            on_select=on_select,
            selection_mode="points",
            **kw,
        )
