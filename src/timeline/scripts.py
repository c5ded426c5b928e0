"""The page's own scripts and style: the dropped-link check, the theme probe, the sidebar that
closes after a choice on a phone, one-tap selection. Each is static text: no value from a table
or a URL is in it, which is what makes them safe to run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from timeline import packing
from timeline.filters import FilterState
from timeline.ui import K_THEME, K_TIMELINE, S_LAST_FILTERS, S_RUNS, S_TYPED, S_URL


def _read(name: str) -> str:
    """A script of the package's, as the page gets it (the files are JavaScript and HTML)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


# Streamlit drops a query string of more than 1,000 parameters or 512 KiB without a word
# (query_params.sanitize_query_string); the browser still has it, so a script there says so.
_DROPPED_LINK_SCRIPT = _read("dropped_link.html")


def say_if_link_was_dropped() -> None:
    """On a new session without parameters, say if the link had too many for Streamlit."""
    if S_URL not in st.session_state and not st.query_params:
        st.html(_DROPPED_LINK_SCRIPT, unsafe_allow_javascript=True)


# Reports the page's theme, read from its background, when the figures were drawn for the other:
# st.context.theme can be wrong on the first run, and a change of theme reruns nothing itself.
_THEME_JS = _read("page_theme.js")
_theme_probe = st.components.v2.component("timeline_page_theme", js=_THEME_JS)


def dark_page() -> bool:
    """Whether the page is dark: as it last reported (`follow_page_theme`), else as the browser
    sends Streamlit's theme with each run; unknown (AppTest) counts as light."""
    reported = st.session_state.get(K_THEME)
    if reported is not None and reported.get("dark") is not None:
        return bool(reported["dark"])
    return st.context.theme.type == "dark"


def follow_page_theme(dark: bool) -> None:
    """Watch the page's theme (showing nothing) and rerun when it is not `dark`, as drawn."""
    _theme_probe(key=K_THEME, data={"drawn": dark}, on_dark_change=lambda: None)


# On a narrow screen the open sidebar covers the page: after a filter choice this clicks its
# own "Collapse sidebar" button, so the person sees what the choice did. data-run: a new element.
_CLOSE_SIDEBAR = _read("close_sidebar.js")


def close_sidebar_after_a_choice(state: FilterState) -> None:
    """After a change of the filters (not a typed year: the other may come next), close the
    sidebar where it covers the page. Call once per run, after the filters."""
    ss = st.session_state
    last = ss.get(S_LAST_FILTERS)
    ss[S_LAST_FILTERS] = state
    ss[S_RUNS] = ss.get(S_RUNS, 0) + 1
    typed = ss.pop(S_TYPED, False)
    if last is not None and last != state and not typed:
        script = f'<script data-run="{ss[S_RUNS]}">{_CLOSE_SIDEBAR}</script>'
        st.sidebar.html(script, unsafe_allow_javascript=True)


# Plotly selects a point on a tap only when a hover picked it, and a touch makes no hover before
# the tap ends: a hover at the touch point, as a mouse makes, lets one tap select.
_TAP_SELECTS = f"<script>{_read('tap_selects.js')}</script>"


# A title that leaves room for the timeline on the first screen. The timeline's titles are
# fitted to a plot `packing.LABEL_WIDTH` wide: a narrower timeline leaves them out.
_PAGE_STYLE = (
    "<style>h1 { font-size: clamp(1.6rem, 4.5vw, 2.75rem) !important; }"
    '[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }'
    f".st-key-{K_TIMELINE} {{ container-type: inline-size; }}"
    # The dropped-link box's element, hidden (with the page's gap after it) unless it speaks.
    ".stElementContainer:has(#dropped-link:not(.shown)) { display: none; }"
    f"@container (max-width: {packing.LABEL_WIDTH - 30}px) {{ .textpoint {{ display: none; }} }}"
    "</style>"
)


def page_style_and_scripts() -> None:
    """The page's style and the one-tap script, as one element of the sidebar."""
    st.sidebar.html(_PAGE_STYLE + _TAP_SELECTS, unsafe_allow_javascript=True)
