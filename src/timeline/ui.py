"""Streamlit glue for app.py: cached loading, the sidebar's filters, the URL and selections.

The only module of the package that imports Streamlit. The logic it wires up lives in plain,
tested modules (loading, filters, url_state, figures, export).
"""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from timeline import figures, schema, url_state
from timeline.filters import FilterOptions, FilterState, by_date, restrict
from timeline.io import Problem, problems_found, shown, upload_limits
from timeline.loading import DEFAULT_DATA, Loaded, data_path, load_file, load_table

__all__ = ["DEFAULT_DATA", "data_path"]  # app.py reads them here, with the rest of the glue

# Widget keys: the filters' keys are their query parameters' names.
K_CATEGORY, K_TOPIC, K_COUNTRY, K_ORG, K_YEARS, K_QUERY = (
    "category",
    "topic",
    "country",
    "org",
    "years",
    "q",
)
K_MAP_MODE, K_UPLOAD, K_RESET = "map_mode", "upload", "reset"
K_TIMELINE, K_MAP, K_CLEAR_EVENT, K_DOWNLOAD = (
    "timeline_chart",
    "map_chart",
    "clear_event",
    "download",
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
_LIST_KEYS = {
    "categories": K_CATEGORY,
    "topics": K_TOPIC,
    "countries": K_COUNTRY,
    "organizations": K_ORG,
}


# ---------------------------------------------------------------------------------------------
# Plain helpers


def note(text: str, where: Any = st) -> None:
    """A hint in small print. Not st.caption: its grey fails WCAG contrast on white (3.9:1).
    `text` is Markdown: escape data with md_escape."""
    where.markdown(f":small[{text}]")


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """The loader's problems as a table: line, column, value (cut and escaped as the command
    line shows them: a cell may be megabytes long), problem."""
    return pd.DataFrame(
        {
            "Line": [str(p.line) if p.line else "whole file" for p in problems],
            "Column": [shown(p.column) for p in problems],
            "Value": [shown(p.value or "") for p in problems],
            "Problem": [p.message for p in problems],
        }
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown (no links, images, colours or icons from data)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def details_html(event: pd.Series, labels: pd.Series) -> str:
    """The event details card as escaped HTML."""
    esc = html.escape

    def row(term: str, value: str, *, escaped: bool = False) -> str:
        shown = value if escaped else esc(value) if value else "—"
        return f'<dt style="font-weight:600">{esc(term)}</dt><dd style="margin:0">{shown}</dd>'

    orgs = ", ".join(f"{o} ({schema.ORGANIZATIONS.get(o, o)})" for o in event["organizations"])
    url = str(event["source_url"])
    source = f'<a href="{esc(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
    source += f"{esc(str(event['source_title']) or url)}</a>"
    return (
        '<section class="event-details" aria-label="Event details">'
        f"<h3>{esc(str(event['title']))}</h3>"
        '<dl style="display:grid;grid-template-columns:max-content 1fr;gap:0.2rem 1rem;margin:0">'
        + row("Date", str(labels["date"]))
        + row("Category", str(labels["category"]))
        + row("Countries", str(labels["countries"]))
        + row("Organizations", orgs)
        + row("Topics", str(labels["topics"]))
        + row("Place", str(event["location"]))
        + row("Description", str(event["description"]))
        + row("Source", source, escaped=True)
        + "</dl></section>"
    )


TABLE_MAX = 5000  # rows the events table sends to the browser; the download has them all


def table_frame(df: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The events as the table shows them, sorted by date (the first `limit` of them)."""
    df = by_date(df, limit)
    labels = figures.event_labels(df)
    return pd.DataFrame(
        {
            "Date": labels["date"],
            "Title": df["title"],
            "Category": labels["category"],
            "Countries": labels["countries"],
            "Organizations": labels["organizations"],
            "Topics": labels["topics"],
            "Source": df["source_url"],
            "id": df["id"],
        }
    ).reset_index(drop=True)


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
    """The table at `path`, read once per version of the file; a failure is read again on
    the next call."""
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0)  # read_events reports the missing file
    loaded = _load_path(os.fspath(path), *key)
    if not loaded.ok:
        # Not kept: a failure can pass (permissions fixed, a disk mounted) while the file's
        # time and size stay the same, and every session would be shown it until they changed.
        _load_path.clear(os.fspath(path), *key)
    return loaded


def show_problems(loaded: Loaded, headline: str) -> None:
    """A page-level error naming the file and how many problems it has (as the command line
    counts them), with the loader's list of the first ones and its line about the rest."""
    found = problems_found(max(loaded.problem_count, len(loaded.problems)), loaded.count_is_a_floor)
    st.error(f"{headline}  \n{md_escape(loaded.name)}: {found}.", icon=":material/error:")
    st.dataframe(problems_frame(loaded.problems), hide_index=True, width="stretch")
    if loaded.summary:
        note(md_escape(loaded.summary))


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


def _reset(options: FilterOptions) -> None:
    _put_state(FilterState(), options)


def sidebar_filters(options: FilterOptions) -> FilterState:
    """The filter widgets (in the current container); returns the state they describe."""
    st.multiselect(
        "Category",
        options.categories,
        key=K_CATEGORY,
        format_func=schema.CATEGORIES.get,
        placeholder="All categories",
    )
    st.multiselect(
        "Topic",
        options.topics,
        key=K_TOPIC,
        format_func=lambda t: schema.TOPICS.get(t, t),
        placeholder="All topics",
    )
    st.multiselect(
        "Country",
        options.countries,
        key=K_COUNTRY,
        format_func=schema.country_name,
        placeholder="All countries",
        help="Countries other than Azerbaijan that the event involves.",
    )
    st.multiselect(
        "Organization",
        options.organizations,
        key=K_ORG,
        format_func=lambda o: (
            f"{o} – {schema.ORGANIZATIONS[o]}" if o in schema.ORGANIZATIONS else o
        ),
        placeholder="All organizations",
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
        selection = st.session_state.get(key)
        country = figures.selected_country(selection)
        if country is not None:
            if country in options.countries:
                st.session_state[K_COUNTRY] = [country]
            return
        event_id = figures.selected_event_id(selection)
        if event_id is not None and event_id in options.event_ids:
            _select_event(event_id)

    return callback


def table_key() -> str:
    return f"{K_TABLE_PREFIX}{st.session_state.get(S_TABLE_NONCE, 0)}"


def on_table_select(key: str, ids: Sequence[str]) -> Callable[[], None]:
    """A callback for st.dataframe(on_select=...): the clicked row becomes the selected event."""

    def callback() -> None:
        row = figures.selected_row(st.session_state.get(key))
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
