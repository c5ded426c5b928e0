"""Streamlit glue for app.py: the widget keys, cached loading, the sidebar's filters, the URL
and selections, the views' charts, the map's controls. The logic it wires up lives in plain,
tested modules (loading, filters, url_state, views).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from timeline import labels, package, schema, selection, serving, stories, url_state
from timeline.filters import (
    BY_FIELD,
    FILTERS,
    STORY,
    YEARS,
    Filter,
    FilterOptions,
    FilterState,
    carried_over,
    restrict,
    typed_years,
)
from timeline.io import problems_found, shown, upload_limits
from timeline.loading import DEFAULT_DATA, Loaded, data_path, load_file, load_table
from timeline.views import TABS, View

LOG = logging.getLogger("timeline")
__all__ = ["DEFAULT_DATA", "data_path"]  # app.py reads them here, with the rest of the glue

# Widget keys. A filter's is its URL parameter; the page's other parameters declare theirs
# (url_state.PAGE_PARAMS).
_KEYS = {p.field: p.key for p in url_state.PAGE_PARAMS}
S_EVENT, S_ZOOM, K_VIEW, K_YEAR = (_KEYS[f] for f in ("event", "zoom", "view", "year"))
K_MAP_MODE, K_MAP_EXTENT, K_STEP = _KEYS["map_mode"], _KEYS["extent"], _KEYS["step"]
# Previous and Next in a story, Earlier and Later in the explorer: the ← and → keys press them.
K_PREV, K_NEXT, K_LEAVE, K_STORY_PICK = "nav_prev", "nav_next", "leave_story", "story_pick"
S_EXPLORER = "_explorer"  # in a story: the explorer's filters and event, for leaving it
# The typed start and end years: they follow the slider, which alone goes in the URL.
K_YEAR_FROM, K_YEAR_TO = f"{YEARS.param}_from", f"{YEARS.param}_to"
K_UPLOAD, K_RESET, K_PLACE_PICK, K_PLAY = "upload", "reset", "place_pick", "play"
K_RELATIONS_MAP, K_RELATIONS_TIME = "relations_map", "relations_time"
K_THEME = "page_theme"  # what the page reported about its theme (scripts.follow_page_theme)
K_TIMELINE, K_MAP = "timeline_chart", "map_chart"  # a view's chart has its key in views.TABS
K_CLEAR_EVENT, K_ZOOM_OUT = "clear_event", "zoom_out"
K_DETAILS, K_CARD = "event_details", "event_card"  # the details column's box, and the card's
K_DOWNLOAD, K_DOWNLOAD_PACKAGE, K_TABLE_PREFIX = "download", "download_package", "table_"
# Session state that is not a widget.
S_TABLE_NONCE, S_URL, S_NOTICES = "_table_nonce", "_url_written", "_url_notices"
S_SPAN = "_years_span"  # the span of the table the filters were last made valid for
S_TYPED_NOTICE = "_typed_years_notice"  # what was changed in the years just typed
S_TYPED = "_years_typed"  # this run follows a typed year
S_LAST_FILTERS, S_RUNS = "_last_filters", "_runs"  # to see a choice, and to name each run
S_UPLOAD = "_upload"  # this session's parsed upload: (its file's id or hash, name, Loaded)
S_EVENT_FILTERS = "_event_filters"  # the filters the selected event was last shown under
S_EVENT_SHOWN = "_event_shown"  # the event the last run's card showed (scripts.show_card)
S_LISTED = "_listed"  # the ids of the timeline's box last clicked to list its events
K_LIST_PICK = "list_pick"  # the select box that picks one of them

TABLE_ROWS = 16  # the events table's height, in rows: a screen's worth, not ten

# What the timeline's marks mean (a legend in words: the lanes already name the categories).
TIMELINE_KEY = (
    "◆ an event on one day · a bar: a period, as long as its date allows (*1995* spans the "
    "whole year) · ■ the middle of a period too short to see at this zoom · a box with a "
    "number: that many events too close to draw apart, click it to zoom in, or to list them "
    "in the event details when they share a day (zooming cannot part them) · ○ the selected "
    "event. Decades without events are cut out of the axis (dotted lines). To zoom in to a "
    "stretch of time, pick the box tool above the timeline and drag across it."
)


# --- Plain helpers -------------------------------------------------------------------------------


def note(text: str, where: Any = st) -> None:
    """A hint in small print. Not st.caption: its grey fails WCAG contrast on white (3.9:1).
    `text` is Markdown: for text that holds a user-supplied string use `plain_note`."""
    where.markdown(f":small[{text}]")


def plain(text: str, kind: str = "info", where: Any = st) -> None:
    """Text shown exactly as typed (escaped HTML, never Markdown) in an info or error box: for
    anything that holds a user-supplied string."""
    role, tint = ("alert", "255,43,43") if kind == "error" else ("status", "28,131,225")
    where.html(
        f'<div class="plain-{kind}" role="{role}" style="background:rgba({tint},0.12);'
        f'padding:0.75rem 1rem;border-radius:0.5rem;margin:0 0 0.5rem 0;overflow-wrap:anywhere">'
        f"{html.escape(text, quote=False)}</div>"
    )


def plain_note(text: str, where: Any = st) -> None:
    """`note` for text that holds a user-supplied string: small print, never Markdown."""
    where.html(
        f'<p class="plain-note" style="font-size:0.875rem;margin:0">'
        f"{html.escape(text, quote=False)}</p>"
    )


# --- Loading (cached per process) ----------------------------------------------------------------


# Not st.cache_data, which unpickles a copy of the frame on every rerun: every run shares this
# one, so nothing in the app may write to it.
@st.cache_resource(show_spinner="Loading the event table…", max_entries=2)
def _load_path(path: str, mtime_ns: int, size: int) -> Loaded:
    loaded = load_file(path, background=True)
    LOG.info("loaded the table %s", path)  # once per process and file version
    serving.collect_garbage_for_many_visitors()
    return loaded


def session_upload(upload: Any) -> Loaded | None:
    """The uploader's file's table (`load_upload`), or None: a removed upload's is let go."""
    if upload is None:
        st.session_state.pop(S_UPLOAD, None)
        return None
    return load_upload(upload, upload.name, upload.file_id)


def load_upload(data: bytes | io.BytesIO, name: str, file_id: str | None = None) -> Loaded:
    """The uploaded table, read once per session and file (`file_id`, else a hash of `data`),
    kept in the session's state: no other session can see it or push it out."""
    # Every click reruns the script: the same file's bytes are neither copied nor hashed again.
    key = (file_id or hashlib.sha256(data).hexdigest(), name)
    kept = st.session_state.get(S_UPLOAD)
    if kept is not None and kept[:2] == key:
        return kept[2]
    with st.spinner("Reading your file…"):
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        source.seek(0)  # an upload read before would give nothing
        loaded = load_table(source, name=name, limits=upload_limits())
    st.session_state[S_UPLOAD] = (*key, loaded)
    return loaded


def load_path(path: Path) -> Loaded:
    """The table at `path`, read once per version of the file (a failure on every call)."""
    try:
        stat = path.stat()
        version = {"mtime_ns": stat.st_mtime_ns, "size": stat.st_size}
    except OSError:
        version = {"mtime_ns": 0, "size": 0}  # read_events reports the missing file
    loaded = _load_path(path=os.fspath(path), **version)
    if not loaded.ok:
        # Not kept: a failure can pass (permissions fixed) while the file's time and size stay.
        _load_path.clear(path=os.fspath(path), **version)
    return loaded


@st.cache_resource(show_spinner=False, max_entries=4)
def _with_stories(name: str, version: str, mtime_ns: int, _options: FilterOptions) -> FilterOptions:
    return dataclasses.replace(_options, stories=stories.offered(STORIES, _options.event_ids))


STORIES = DEFAULT_DATA.with_name("stories.csv")


def with_stories(loaded: Loaded) -> FilterOptions:
    """The table's options with the stories it can tell (`stories.offered`), read once per
    table and version of the stories file."""
    try:
        mtime_ns = STORIES.stat().st_mtime_ns
    except OSError:
        mtime_ns = 0
    return _with_stories(loaded.name, loaded.version, mtime_ns, loaded.options)


def show_problems(loaded: Loaded, headline: str) -> None:
    """A page-level error naming the file and its count of problems, with the first ones."""
    found = problems_found(max(loaded.problem_count, len(loaded.problems)), loaded.count_is_a_floor)
    plain(f"{headline} {loaded.name}: {found}.", "error")
    problems = loaded.problems
    frame = {  # cut and escaped as the command line shows them: a cell may be megabytes long
        "Line": [str(p.line) if p.line else "whole file" for p in problems],
        "Column": [shown(p.column) for p in problems],
        "Value": [shown(p.value or "") for p in problems],
        "Problem": [p.message for p in problems],
    }
    st.dataframe(pd.DataFrame(frame), hide_index=True, width="stretch")
    if loaded.summary:
        plain_note(loaded.summary)


# --- Filter state and the page's parameters <-> widgets <-> URL ----------------------------------


def _current_params() -> dict[str, list[str]]:
    qp = st.query_params
    return url_state.normalize_params({k: qp.get_all(k) for k in qp})


def _put_state(state: FilterState, options: FilterOptions) -> None:
    for f in FILTERS:
        st.session_state[f.param] = f.to_widget(getattr(state, f.field), options)


def _widgets() -> FilterState:
    """The widgets' values as they are, before they are made valid for a table."""
    return FilterState(**{f.field: f.from_widget(st.session_state.get(f.param)) for f in FILTERS})


def restore_from_url(options: FilterOptions) -> tuple[str, ...]:
    """Set the filters and page parameters from the URL when it is new to the session (Back, an
    edited link), else keep the widgets' values made valid for this table; returns the URL's
    notices. Call before the widgets."""
    ss = st.session_state
    current = _current_params()
    if ss.get(S_URL) != current:
        parsed = url_state.parse_query_params(current, options)
        state = parsed.filters
        page = {p.field: getattr(parsed, p.field) for p in url_state.PAGE_PARAMS}
        ss[S_NOTICES], ss[S_URL] = parsed.notices, current
        if state.story is None:
            ss.pop(S_EXPLORER, None)  # the link holds the explorer's filters
        elif state != FilterState(story=state.story):  # the link's other filters wait
            ss[S_EXPLORER] = (dataclasses.replace(state, story=None), page["event"])
            state = FilterState(story=state.story)
        elif S_EXPLORER not in ss:  # Back into a story, or a story's link opened cold
            before = restrict(_widgets(), options)
            explorer = before.story is None  # else from another story: the defaults
            ss[S_EXPLORER] = (before, ss.get(S_EVENT)) if explorer else (FilterState(), None)
        ss[S_EVENT_FILTERS] = state  # a link's event stays, even outside its own filters
    else:
        old_span = ss.get(S_SPAN)
        new_table = old_span is not None and tuple(old_span) != options.years
        if new_table:
            state, said = carried_over(_widgets(), old_span, options)
            ss[S_NOTICES] = (*ss.get(S_NOTICES, ()), *said)
        else:
            state = restrict(_widgets(), options)
        page = {
            p.field: p.default if new_table and p.per_table else p.of_page(ss.get(p.key), options)
            for p in url_state.PAGE_PARAMS
        }
        ids = [s.event_id for s in state.story.steps] if state.story is not None else []
        if ss.get(S_EVENT) in ids:
            page["step"] = ids.index(ss[S_EVENT]) + 1  # a click on one of the story's events
    if state.story is not None:  # its step selects the event
        page["step"] = url_state.step_within(state.story, int(page["step"]))
        page["event"] = state.story.steps[page["step"] - 1].event_id
    _put_state(state, options)
    # Set on every run: a widget drawn only while its tab is open (the map's radios, the
    # relations' year) is forgotten by Streamlit while it is not drawn.
    for p in url_state.PAGE_PARAMS:
        ss[p.key] = p.to_page(page[p.field], options)
    ss[S_SPAN] = options.years
    return tuple(ss.get(S_NOTICES, ()))


def enter_story(options: FilterOptions) -> None:
    """The picker's story opened at its first step; the explorer's filters kept for leaving."""
    ss = st.session_state
    story = next(s for s in options.stories if s.id == ss.get(K_STORY_PICK))
    ss[S_EXPLORER] = (restrict(_widgets(), options), ss.get(S_EVENT))
    _put_state(FilterState(story=story), options)
    go_to_step(story, 1)
    zoom_out()


def leave_story(options: FilterOptions) -> None:
    """Back to the explorer, its filters and event as they were before the story."""
    before, event = st.session_state.pop(S_EXPLORER, (FilterState(), None))
    _put_state(before, options)
    st.session_state[K_STEP] = 1
    select_event(event)
    zoom_out()


def go_to_step(story: stories.Story, step: int) -> None:
    st.session_state[K_STEP] = step
    select_event(story.steps[step - 1].event_id)


def story_picker(options: FilterOptions) -> None:
    """The stories the table can tell, one line each; choosing one opens it."""
    if not options.stories:
        note("The guided stories are not offered: this table lacks some of each one's events.")
        return
    about = {s.id: f"{s.title} · {s.intro.split('. ')[0].rstrip('.')}." for s in options.stories}
    st.selectbox(
        "Guided stories: the record told step by step",
        list(about),
        index=None,
        key=K_STORY_PICK,
        format_func=about.__getitem__,
        placeholder=f"Choose one of {len(about)} stories",
        on_change=enter_story,
        args=(options,),
        help="A path through the record's events, with why each one matters. Only the stories "
        "whose every event is in the table are offered.",
    )


def story_heading(story: stories.Story) -> None:
    """The open story's title and introduction, as text (not Markdown)."""
    title = html.escape(story.title, quote=False)
    st.html(f'<h4 style="margin:0;padding:0;font-size:1.25rem">{title}</h4>')
    plain_note(story.intro)


def story_steps(story: stories.Story, step: int, options: FilterOptions) -> None:
    """The counter ("Step 3 of 12"), Previous, Next and "Leave the story", then the caption."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.markdown(f"**Step {step} of {len(story.steps)}**")
    for key, label, to in ((K_PREV, "← Previous", step - 1), (K_NEXT, "Next →", step + 1)):
        off = not 1 <= to <= len(story.steps)
        row.button(label, key=key, on_click=go_to_step, args=(story, to), disabled=off)
    row.button("Leave the story", key=K_LEAVE, on_click=leave_story, args=(options,))
    caption = html.escape(story.steps[step - 1].caption, quote=False)
    style = "margin:0;padding-left:0.6rem;border-left:3px solid rgba(128,128,128,0.6)"
    st.html(f'<p class="story-caption" style="{style}">{caption}</p>')


def earlier_later(views: Any, event_id: str) -> None:
    """The buttons "← Earlier" and "Later →": the events shown just before and after."""
    earlier, later = views.answer(labels.neighbours, event_id)
    row = st.container(horizontal=True, gap="small")
    for key, label, to in ((K_PREV, "← Earlier", earlier), (K_NEXT, "Later →", later)):
        row.button(label, key=key, on_click=select_event, args=(to,), disabled=to is None)
    row.button("Clear selection", key=K_CLEAR_EVENT, on_click=select_event, args=(None,))


def _url_params(state: FilterState, options: FilterOptions) -> dict[str, list[str]]:
    ss = st.session_state
    page = {p.field: p.of_page(ss.get(p.key), options) for p in url_state.PAGE_PARAMS}
    return url_state.to_query_params(state, **page)


def write_url(state: FilterState, options: FilterOptions) -> None:
    """Put the view in the URL (one history entry per change)."""
    ss = st.session_state
    target = _url_params(state, options)
    if target != _current_params():
        st.query_params.from_dict(target)
    if target != ss.get(S_URL):
        ss[S_NOTICES] = ()  # the person has moved on from the link they opened
    ss[S_URL] = target


def share_url(state: FilterState, options: FilterOptions) -> str | None:
    """The address that restores this view, as the person's browser reaches the app."""
    return package.share_url(st.context.url, _url_params(state, options))


def download(label: str, data: Callable[[], bytes], file_name: str, key: str, **kw: Any) -> None:
    """A download button (`kw`: st.download_button's) whose file is written only when clicked."""
    # A file sent with the page is a new media file each run, which quick reruns drop: a 404.
    zipped = file_name.endswith(".zip")
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="application/zip" if zipped else "text/csv",
        key=key,
        on_click="ignore",
        icon=":material/folder_zip:" if zipped else ":material/download:",
        **kw,
    )


def sidebar_filters(options: FilterOptions) -> FilterState:
    """The filter widgets (in the current container); returns the state they describe. In a
    story they are shown off: the story shows its own events."""
    in_story = st.session_state.get(STORY.param) is not None
    if in_story:
        note("In a story the filters do not apply: it shows its own events. Leave it to use them.")
    for f in FILTERS:
        _DRAW[f.widget.kind](f, options, in_story)
    return restrict(_widgets(), options)


def _multiselect(f: Filter, options: FilterOptions, disabled: bool) -> None:
    # select_all=False: with "Select N matches" shown, Enter after typing picks every match
    # ("Turk" gives Turkey and Turkmenistan); without it Enter picks the first.
    w = f.widget
    st.multiselect(
        w.label,
        getattr(options, f.field),
        key=f.param,
        format_func=w.format,
        placeholder=w.placeholder,
        help=w.help,
        select_all=False,
        disabled=disabled,
    )


def _years(f: Filter, options: FilterOptions, disabled: bool) -> None:
    """A years slider, and a start and an end year to type beside it showing its range."""
    lo, hi = options.years
    if lo >= hi:
        note(f"Years: every event is in {lo}.")
        return
    st.slider(
        f.widget.label,
        min_value=lo,
        max_value=hi,
        value=(lo, hi),
        key=f.param,
        step=1,
        help=f.widget.help,
        on_change=zoom_out,  # the timeline's axis follows the years
        disabled=disabled,
    )
    ss = st.session_state
    ss[K_YEAR_FROM], ss[K_YEAR_TO] = (float(y) for y in ss.get(f.param) or options.years)
    # One horizontal container, not two columns: a block fewer to send on every run.
    row = st.container(horizontal=True, gap="small", wrap=False)
    for key, label in ((K_YEAR_FROM, "From"), (K_YEAR_TO, "To")):
        # No bounds: the browser would refuse a year without a word (_on_typed_years says so).
        # A float box: an int one is read with parseInt ("1e5" as 1), so no notice could say it.
        row.number_input(
            label,
            key=key,
            step=1.0,
            format="%.0f",
            on_change=_on_typed_years,
            args=(options,),
            help=f"Type a year from {lo} to {hi} and press Enter.",
            disabled=disabled,
        )
    said = ss.pop(S_TYPED_NOTICE, None)
    if said:
        plain(said)


def _on_typed_years(options: FilterOptions) -> None:
    """The typed years set the slider (`typed_years`); an emptied box takes the slider's back."""
    ss = st.session_state
    slider = [float(y) for y in ss.get(YEARS.param) or options.years]
    # Not finite only from a client other than the page (the box refuses them): the slider's.
    typed = [
        y if y is not None and math.isfinite(y) else s
        for y, s in zip((ss.get(K_YEAR_FROM), ss.get(K_YEAR_TO)), slider, strict=True)
    ]
    ss[YEARS.param], ss[S_TYPED_NOTICE] = typed_years(*typed, options.years)
    ss[S_TYPED] = True
    zoom_out()  # the timeline's axis follows the years


def _text(f: Filter, options: FilterOptions, disabled: bool) -> None:
    w = f.widget
    st.text_input(w.label, key=f.param, placeholder=w.placeholder, help=w.help, disabled=disabled)


_DRAW: dict[str, Callable[[Filter, FilterOptions, bool], None]] = {
    "story": lambda f, options, disabled: None,  # app.py draws the picker above the timeline
    "multiselect": _multiselect,
    "years": _years,
    "text": _text,
}


def _reset(options: FilterOptions) -> None:
    _put_state(FilterState(), options)
    zoom_out()  # every event again, on the whole timeline too


def reset_button(options: FilterOptions, state: FilterState) -> None:
    st.button(
        "Reset filters",
        key=K_RESET,
        on_click=_reset,
        args=(options,),
        disabled=(state.is_default() and zoom() is None) or state.story is not None,
        help="Show every event again, on the whole timeline.",
    )


# --- Selections ----------------------------------------------------------------------------------


def select_event(event_id: str | None, *, from_table: bool = False) -> None:
    ss = st.session_state
    ss[S_EVENT] = event_id
    if not from_table:
        ss[S_TABLE_NONCE] = ss.get(S_TABLE_NONCE, 0) + 1


def selected_event(state: FilterState, views: Any) -> tuple[str | None, str | None]:
    """The selected event, and a notice naming it if a change of the filters (`views`' state)
    has just left it out: then it is cleared. A link's event outside its filters stays."""
    ss = st.session_state
    event_id, before = ss.get(S_EVENT), ss.get(S_EVENT_FILTERS, state)
    ss[S_EVENT_FILTERS] = state
    if before != state:
        ss.pop(S_LISTED, None)  # the box listed may not be drawn any more
    if event_id is None or before == state or views.answer(labels.holds, event_id):
        return event_id, None
    select_event(None)
    return None, views.of_table(labels.cleared, event_id)


def on_chart_select(
    key: str, options: FilterOptions, to_time: Callable[[float], Any] | None = None
) -> Callable[[], None]:
    """A callback for st.plotly_chart(on_select=...): a dragged stretch of time (x through
    `to_time`) or a cluster becomes the zoom, a cluster that cannot be zoomed its list of
    events (`S_LISTED`), an event the selection, a country the filter."""

    def callback() -> None:
        picked = st.session_state.get(key)
        span = selection.selected_span(picked, to_time)
        # Any other click drops the list: it belongs to the box last clicked.
        st.session_state[S_LISTED] = None if span else selection.listed_events(picked)
        if span is not None:
            st.session_state[S_ZOOM] = span
            return
        country = selection.selected_country(picked)
        if country is not None:
            if country in options.countries:
                st.session_state[BY_FIELD["countries"].param] = [country]
            return
        event_id = selection.selected_event_id(picked)
        if event_id is not None and event_id in options.event_ids:
            select_event(event_id)

    return callback


def listed(views: Any) -> pd.DataFrame:
    """The events of the box last clicked to list them (`S_LISTED`) that `views`' filters keep,
    by date (none: an empty frame)."""
    ids = tuple(st.session_state.get(S_LISTED) or ())
    return views.answer(_among, ids) if ids else pd.DataFrame()


def _among(df: pd.DataFrame, ids: tuple[str, ...]) -> pd.DataFrame:
    return df[df["id"].isin(ids)].sort_values("start", kind="stable")


def events_table(views: Any, n: int, event_id: str | None) -> None:
    """The events table of the `n` filtered events (`views`), the selected one marked; a click
    on a cell selects its event."""
    if n > labels.TABLE_MAX:
        note(
            f"The first {labels.TABLE_MAX:,} of the {labels.event_count(n)}, by date: narrow "
            "the filters to see the others, or download them all."
        )
    if zoom() is not None:
        note(
            "Zoom is only a view of the timeline: this table and the downloads hold every event "
            "the filters choose. To narrow them, set the years."
        )
    table = views(labels.table_view, labels.TABLE_MAX)
    # A new table widget for each filter state (scrolled to its top) and for each event selected
    # elsewhere (a stale cell selection dropped).
    state = hashlib.sha1(repr(views.state).encode()).hexdigest()[:12]
    key = f"{K_TABLE_PREFIX}{state}_{st.session_state.get(S_TABLE_NONCE, 0)}"

    def selected() -> None:
        row = selection.selected_row(st.session_state.get(key))
        if row is not None and 0 <= row < len(table.ids):
            select_event(table.ids[row], from_table=True)

    st.dataframe(
        labels.marked(table, event_id),
        key=key,
        hide_index=True,
        width="stretch",
        height=35 * (min(len(table.ids), TABLE_ROWS) + 1) + 3,  # rows and header, 35 px each
        on_select=selected,
        # A cell, not a row: row selection takes Shift+Space, which nobody guesses, or a checkbox.
        selection_mode="single-cell",
        column_config={
            labels.MARK: st.column_config.TextColumn("", width=28, help="The selected event"),
            "Title": st.column_config.TextColumn(width="large"),
            "Source": st.column_config.LinkColumn(
                "Source", display_text=schema.URL_SHOWN_HOST, width="small"
            ),
        },
    )


def zoom() -> selection.Span | None:
    """The timeline's zoom, if any."""
    return st.session_state.get(S_ZOOM)


def zoom_out() -> None:
    st.session_state[S_ZOOM] = None
    st.session_state.pop(S_LISTED, None)


def chart(fig: Any, key: str, on_select: Callable[[], None] | None, alt: str, **kw: Any) -> None:
    """st.plotly_chart with the app's settings; a click selects points unless `kw` says not."""
    if on_select is not None:
        kw = {"on_select": on_select, "selection_mode": "points", **kw}
    # No zoom on the mouse wheel: over a map it would catch the page's scrolling.
    config = {"topojsonURL": "/app/static/", "displaylogo": False, "scrollZoom": False}
    st.plotly_chart(fig, key=key, config=config, width="stretch", alt=alt, **kw)


def view_tabs() -> list[tuple[View, Any]]:
    """The page's tabs (`views.TABS`), each with its view; `tab.open` says which is open."""
    tabs = st.tabs([v.label for v in TABS], key=K_VIEW, on_change="rerun")
    return list(zip(TABS, tabs, strict=True))


def show_view(view: View, views: Any, n: int) -> None:
    """A view drawn from its declaration: its text, or its charts (built by `views`)."""
    if view.text:
        st.markdown(view.text)
    for c in view.charts:
        chart(views(c.build), c.key, None, alt=c.alt.format(events=labels.event_count(n)))
        for line in c.notes:
            note(line)


# --- The map tab ---------------------------------------------------------------------------------


def map_controls() -> tuple[str, bool]:
    """The map's radios: its mode as the URL names it, and whether to show the whole world."""
    left, right = st.columns(2)
    mode = left.radio(
        "Show",
        list(url_state.MAP_MODES),
        key=K_MAP_MODE,
        format_func=url_state.MAP_MODES.__getitem__,
        horizontal=True,
    )
    extent = right.radio(
        "Extent",
        list(url_state.MAP_EXTENTS),
        key=K_MAP_EXTENT,
        format_func=url_state.MAP_EXTENTS.__getitem__,
        horizontal=True,
        help="Region: where most of the events shown are. World: the whole map.",
    )
    return str(mode), extent == "world"


def place_picker(here: pd.DataFrame, event_id: str) -> None:
    """When the selected event shares its place with others shown (`here`), a list of them
    (the newest `labels.TABLE_MAX` and the selected one) to choose another."""
    if len(here) < 2:
        return
    # Every option goes to the browser on every run: a crowded place would send all its events.
    listed = here.iloc[: labels.TABLE_MAX]
    if not (listed["id"] == event_id).any():
        listed = pd.concat([listed, here[here["id"] == event_id]])  # older: it goes last
    ids = listed["id"].astype(str).tolist()
    dated = labels.label_texts(listed, ("date",))["date"]
    names = {i: f"{d} · {t}" for i, d, t in zip(ids, dated, listed["title"], strict=True)}
    place = listed["location"].astype(str).value_counts().index[0] or "this place"
    said = (
        f"{labels.event_count(len(here))} at {place}, newest first: a click on the place "
        "selects the newest; choose another here."
    )
    if len(here) > len(ids):
        also = " and the selected one" if len(ids) > labels.TABLE_MAX else ""
        said += (
            f" The list holds the newest {labels.TABLE_MAX:,}{also}, not the "
            f"{len(here) - len(ids):,} others: narrow the filters (years, category) to list them."
        )
    plain_note(said)
    key = f"{K_PLACE_PICK}_{event_id}"  # a new list for each selected event, showing it
    st.selectbox(
        "Events at this place",
        ids,
        index=ids.index(event_id),
        format_func=names.__getitem__,
        key=key,
        on_change=lambda: select_event(st.session_state.get(key)),
    )
