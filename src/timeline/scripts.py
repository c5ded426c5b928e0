"""The page's own scripts and style: the dropped-link check, the theme probe, the sidebar that
closes after a choice on a phone, one-tap selection, the dates of a drag across the timeline,
the details card brought into view. Each is static text: no value from a table or a URL is in
it, which is what makes them safe to run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from timeline import packing
from timeline.filters import FilterState
from timeline.ui import (
    K_CARD,
    K_DETAILS,
    K_NEXT,
    K_PREV,
    K_TABLE_PREFIX,
    K_THEME,
    K_TIMELINE,
    S_EVENT_SHOWN,
    S_LAST_FILTERS,
    S_RUNS,
    S_TYPED,
    S_URL,
)


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

# While a drag across the timeline selects a stretch to zoom to, the dates it spans beside it
# (Plotly shows nothing then): read from the figure's axis (`packing.Axis.time`, in JavaScript).
_DRAG_DATES = f"<script>{_read('drag_dates.js')}</script>"


# After a new selection, the details card is brought into view if it is out of it (a click on
# the map or the table under it): the column beside the timeline, or on a phone its sheet.
_SHOW_CARD = _read("show_card.js").replace("__CARD__", K_CARD)  # the card's own key


def show_card(event_id: str | None) -> None:
    """After a new selection, bring its card into view where it is out of view (once a run)."""
    ss = st.session_state
    if event_id is not None and ss.get(S_EVENT_SHOWN) != event_id:
        script = f'<script data-run="{ss.get(S_RUNS, 0)}">{_SHOW_CARD}</script>'
        st.sidebar.html(script, unsafe_allow_javascript=True)
    ss[S_EVENT_SHOWN] = event_id


# Beside the timeline, the details column takes the timeline's height (`contain: size`: its own
# content does not count), within the screen's under the page's header, so that no choice
# moves what is under it. On a phone (columns stacked), the card is a sheet at the bottom of the
# screen, over the page: its wrapper, which would leave a gap in the page's flow.
_DETAILS_STYLE = (
    f"@media (min-width: 641px) {{ .stColumn:has(.st-key-{K_DETAILS}) {{ contain: size; "
    "min-height: 24rem; max-height: calc(100dvh - 5rem); overflow-y: auto; position: sticky; "
    "top: 4rem; scroll-margin-top: 4rem; } }"
    "@media (max-width: 640px) { "
    f'[data-testid="stLayoutWrapper"]:has(> .st-key-{K_CARD}) {{ position: fixed; left: 0.5rem; '
    "right: 0.5rem; bottom: 0.5rem; width: auto; max-height: 40dvh; overflow-y: auto; "
    "z-index: 1002; border-radius: 0.5rem; background: var(--page-bg, #fff); "
    "box-shadow: 0 0 1rem rgba(0, 0, 0, 0.35); }"
    # Room under the page's end, so that what the sheet covers can be scrolled above it.
    f' [data-testid="stMainBlockContainer"]:has(.st-key-{K_CARD}) {{ padding-bottom: 45dvh; }}'
    # The events table's toolbar sits above it: room for it under the tabs.
    f' [class*="st-key-{K_TABLE_PREFIX}"] {{ margin-top: 2.75rem; }} }}'
)

# A title that leaves room for the timeline on the first screen. The timeline's titles are
# fitted to a plot `packing.LABEL_WIDTH` wide and to a phone's: the plot shows those of its width.
_NARROW = packing.LABEL_WIDTH - 30  # the widest timeline with a phone's titles
_PAGE_STYLE = (
    "<style>h1 { font-size: clamp(1.6rem, 4.5vw, 2.75rem) !important; }"
    '[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }'
    f".st-key-{K_TIMELINE} {{ container-type: inline-size; }}"
    # The dropped-link box's element, hidden (with the page's gap after it) unless it speaks.
    ".stElementContainer:has(#dropped-link:not(.shown)) { display: none; }"
    # A wide plot's titles unless the plot is known to be narrow: without the container (while
    # the chart's element is being replaced) one set shows, never both.
    'text[style*="narrow-plot-titles"] { display: none; }'
    f"@container (width <= {_NARROW}px) {{ "
    'text[style*="wide-plot-titles"] { display: none; } '
    'text[style*="narrow-plot-titles"] { display: inline; } }'
    f"{_DETAILS_STYLE}</style>"
)


def page_style_and_scripts() -> None:
    """The page's style and its scripts of every run, as one element of the sidebar."""
    st.sidebar.html(_PAGE_STYLE + _TAP_SELECTS + _DRAG_DATES, unsafe_allow_javascript=True)


# ← and → press the buttons with these keys: Previous and Next, or Earlier and Later.
_ARROW_KEYS = _read("arrow_keys.js").replace("__PREV__", K_PREV).replace("__NEXT__", K_NEXT)


def arrow_keys() -> None:
    """Let ← and → (no text field or select focused) press the page's Previous and Next."""
    st.sidebar.html(f"<script>{_ARROW_KEYS}</script>", unsafe_allow_javascript=True)
