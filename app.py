"""Azerbaijan Relations Timeline: the dashboard. Run `streamlit run app.py [-- --data PATH]`.

Top to bottom: load (the table) -> select (the filter state, from the URL then the sidebar) ->
compute (`viewcache.Views`) -> show (the timeline, the selected event, the open tab, the URL).
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import streamlit as st

from timeline import (
    export,
    labels,
    maps,
    package,
    relations,
    scripts,
    selection,
    serving,
    standing,
    timeline_chart,
    ui,
    viewcache,
)

# An emoji favicon: a ":material/...:" one would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="Azerbaijan Relations Timeline", page_icon="🗺️", layout="wide")
serving.install()  # once per process: what one visitor may cost the server

# The sidebar, top to bottom: counter and download, filters, your own table.
summary, filter_box = st.sidebar.container(), st.sidebar.container()
heading = st.container()

# --- Load: the shipped (or --data / TIMELINE_DATA) table, or this session's upload -------------
with st.sidebar.expander("Use your own table"):
    upload = st.file_uploader(
        "Event table (CSV, same columns as data/events.csv)", type=["csv"], key=ui.K_UPLOAD
    )
loaded = ui.load_path(ui.data_path(sys.argv[1:], os.environ))
mine = ui.session_upload(upload)
if mine is not None:
    if mine.ok:
        loaded = mine
    else:
        ui.show_problems(mine, "Your file was not loaded; the dashboard shows the shipped table.")
if not loaded.ok:
    heading.title("Azerbaijan Relations Timeline")
    ui.show_problems(loaded, "The event table could not be loaded.")
    ui.note(
        "Check the path given with `--data` or `TIMELINE_DATA`, or use your own table in the "
        "sidebar."
    )
    st.stop()
df, options = loaded.df, ui.with_stories(loaded)
lo, hi = options.years

# --- Select: the filter state from the URL when it is new, then from the sidebar's widgets ---
scripts.say_if_link_was_dropped()
notices = ui.restore_from_url(options)
with filter_box:
    st.header("Filters")
    state = ui.sidebar_filters(options)
    ui.reset_button(options, state)
scripts.close_sidebar_after_a_choice(state)
scripts.page_style_and_scripts()
scripts.arrow_keys()
story = state.story  # a guided story: its own events, one step selected at a time
# --- Compute: the filtered frame and each view, once per filter state ------------------------
dark = scripts.dark_page()
views = viewcache.Views(df, state, dark)
event_id, cleared = ui.selected_event(state, views)  # one the filters just left out is cleared
listed = ui.listed(views)  # the events of a box on the timeline that zooming cannot part
n, total = views.answer(len), len(df)

# --- Show ------------------------------------------------------------------------------------
with st.sidebar:  # at its end, under "Use your own table"; it shows nothing
    scripts.follow_page_theme(dark)  # a rerun when the browser's theme is not the one drawn

with summary:
    st.markdown(f"Showing **{n:,}** of {labels.event_count(total, f'**{total:,}**')}")
    ui.download(
        f"Download {labels.event_count(n)} (CSV)",
        lambda: export.to_csv_bytes(views.filtered),
        export.export_filename(state),
        ui.K_DOWNLOAD,
        disabled=n == 0,
    )
    link = ui.share_url(state, options)  # here: st.context is not there when the zip is made
    ui.download(
        "With sources (ZIP)",
        lambda: package.to_zip_bytes(
            views.filtered, state, link, dt.datetime.now(dt.UTC), loaded.version
        ),
        package.zip_name(state),
        ui.K_DOWNLOAD_PACKAGE,
        disabled=n == 0,
        help="The same rows with a README, a table of the codes they use (countries, "
        "organizations, topics, categories) and a datapackage.json: what each column holds, "
        "the licence (CC BY 4.0), every source the rows cite, the filters and a citation.",
    )
    if link:
        # Streamlit has no copy button; st.code's copy icon is its own (a page script of ours
        # would have to carry the link, and they hold static text only: timeline.scripts).
        with st.popover("Copy link", icon=":material/link:"):
            st.code(link, language=None, wrap_lines=True)
            ui.note(
                "The icon at its right copies it (point at or tap the link to see it). The link "
                "restores this view."
            )
    else:
        ui.note("The page address keeps the filters and the selected event: copy it to share.")

heading.title(f"Azerbaijan's foreign relations, {lo}–{hi}")
ui.plain_note(labels.filter_summary(state, n, total), heading)
if loaded.name != str(ui.DEFAULT_DATA):
    ui.plain_note(f"Table: {loaded.name}", heading)
for notice in notices:
    ui.plain(notice)
if story is None:
    ui.story_picker(options)
else:
    ui.story_heading(story)

# The timeline, with the selected event's details beside it (under it on a narrow screen).
timeline_box, details_box = st.columns([5, 2], gap="medium")
with timeline_box:
    if n == 0:
        st.info(
            "No events match these filters. Remove a filter or reset them all.",
            icon=":material/search_off:",
        )
    else:
        window = timeline_chart.timeline_window(ui.zoom(), state.years)
        if ui.zoom() is not None and window is not None:
            left, right = st.columns([3, 1], vertical_alignment="center")
            ui.note(f"The timeline shows {labels.period_label(*window)}.", left)
            right.button("Zoom out", key=ui.K_ZOOM_OUT, on_click=ui.zoom_out, width="stretch")
        fig = views.timeline(event_id, window)
        axis = timeline_chart.axis_of(fig)
        ui.chart(
            fig,
            ui.K_TIMELINE,
            ui.on_chart_select(ui.K_TIMELINE, options, axis.time if axis else None),
            alt=f"Timeline of {labels.event_count(n)} from {lo} to {hi}, one lane per category",
            selection_mode=("points", "box"),
        )
        ui.note(ui.TIMELINE_KEY)
with details_box, st.container(key=ui.K_DETAILS):
    if cleared:
        ui.plain(cleared)
    # The heading and its hint in one element, with an event or without: nothing moves.
    st.markdown(
        "### Event details\n:small[Click an event on the timeline, the map or the table to "
        "read it here.]"
    )
    if len(listed):
        ids, dates = listed["id"].tolist(), labels.label_texts(listed, ("date",))["date"]
        names = {i: f"{t} · {d}" for i, d, t in zip(ids, dates, listed["title"], strict=True)}
        days = listed["start"]
        when = dates[0] if len(set(dates)) == 1 else labels.period_label(days.min(), days.max())
        # A select box, not radios: their options are Markdown, and titles must stay text.
        st.session_state[ui.K_LIST_PICK] = event_id if event_id in names else None
        st.selectbox(
            f"{labels.event_count(len(ids))} of {when}: pick one to read it",
            ids,
            key=ui.K_LIST_PICK,
            format_func=names.__getitem__,
            placeholder="Choose an event",
            on_change=lambda: ui.select_event(st.session_state[ui.K_LIST_PICK]),
        )
    if event_id is not None:
        with st.container(border=True, key=ui.K_CARD):
            # First: on a phone the card is a sheet over the page, its buttons in thumb reach.
            if story is not None:
                ui.story_steps(story, st.session_state[ui.K_STEP], options)
            else:
                ui.earlier_later(views, event_id)
            st.html(views.of_table(labels.event_details, event_id))
            if not views.answer(labels.holds, event_id):
                ui.note("This event is outside the current filters.")
    scripts.show_card(event_id)


def events_map() -> None:
    """The map view: the filtered events' places or countries, in their region or the world."""
    mode, world = ui.map_controls()
    if mode == "countries":
        fig = views(maps.countries_map, world)
        ui.note("Click a country to show only its events.")
    else:
        fig = views(maps.places_map, event_id, world)
        ui.note(
            "One mark per place, its size by its number of events. Hover a place to list "
            "its events; click it to read the newest."
        )
    ui.chart(
        fig,
        ui.K_MAP,
        ui.on_chart_select(ui.K_MAP, options),
        alt=f"Map of the {labels.event_count(n)} ({mode}, {'world' if world else 'region'})",
    )
    if mode == "places" and event_id is not None:
        ui.place_picker(views(maps.events_at_place, event_id), event_id)


K_COUNTRIES = "relations_countries"  # the relations view's list of countries


def relations_by_year() -> None:
    """The relations view, read from the whole table (the filters only count the events shown):
    each country's standing in a year on a map and in a list, beside the counts by year; or one
    player of the map and the counts in the browser."""
    whole = views.whole
    play = st.toggle(
        f"Play {lo}–{hi} in the browser",
        key=ui.K_PLAY,
        help="One player for the map and the counts by year, in the browser: a span of years "
        "in which the map does not change is one step. The year and the link stay as they are.",
    )
    ui.note(
        "Standings are facts of the whole table: the sidebar's filters do not change them, "
        "they only count each country's *Events shown*."
    )
    if play:
        # The year's slider is not drawn: its value is kept for when Play is turned off.
        st.session_state[ui.K_YEAR] = st.session_state.get(ui.K_YEAR, hi)
    elif lo < hi:
        st.slider("Year", min_value=lo, max_value=hi, key=ui.K_YEAR, step=1)
    year = int(st.session_state.get(ui.K_YEAR, hi))
    if play:
        ui.chart(
            whole(relations.relations_map_animated, None, year),
            ui.K_RELATIONS_MAP,
            None,
            alt="World map of Azerbaijan's relations with each country, played over the years, "
            "above the countries with diplomatic relations and organizations joined by year",
        )
        ui.note("Turn Play off to choose a year and list its countries.")
        if cut := whole.answer(standing.play_cut):
            ui.note(cut)
        return
    world, over_time = st.columns([3, 2], gap="medium")
    with world:
        ui.chart(
            whole(relations.relations_map, year),
            ui.K_RELATIONS_MAP,
            ui.on_chart_select(ui.K_RELATIONS_MAP, options),
            alt=f"World map of Azerbaijan's relations with each country in {year}",
        )
        ui.note(
            "Click a country to show only its events. A country the table has no row for "
            "is not one without relations: see *About this data*."
        )
    with over_time:
        ui.chart(
            whole(relations.relations_over_time, year),
            ui.K_RELATIONS_TIME,
            None,
            alt="Countries with diplomatic relations and organizations joined, by year",
        )
    table = whole.answer(standing.standing_by_year, year)
    listing = standing.country_list(table, views.answer(standing.events_by_country))
    if listing.empty:  # the map says that no row dates relations, recognition or a war
        return
    st.markdown(f"##### The {len(listing)} countries the table names, in {year}")

    def chosen() -> None:  # a cell chosen: its row's event is read in the details
        row = selection.selected_row(st.session_state.get(K_COUNTRIES))
        if row is not None and listing["Event id"].iloc[row]:
            ui.select_event(listing["Event id"].iloc[row])

    st.dataframe(
        listing,
        key=K_COUNTRIES,
        hide_index=True,
        width="stretch",
        on_select=chosen,
        selection_mode="single-cell",
        column_order=("Country", "Standing", "Since", "Set by", "Events shown"),
        column_config={
            "Set by": st.column_config.TextColumn(
                width="large", help="The event that sets the standing: choose it to read it"
            ),
            "Events shown": st.column_config.NumberColumn(
                help="Events that pass the sidebar's filters and name the country"
            ),
        },
    )
    ui.download(
        f"Download the countries of {year} (CSV)",
        lambda: standing.countries_csv(listing),
        standing.countries_file_name(year),
        K_COUNTRIES + "_csv",
    )


# The views with controls of their own; the others are drawn from their declaration.
DRAWN_HERE = {
    "table": lambda: ui.events_table(views, n, event_id),
    "map": events_map,
    "relations": relations_by_year,
}
for view, tab in ui.view_tabs():  # only the open tab's content is computed and sent
    with tab:
        if not tab.open or (view.needs_events and n == 0):
            continue
        if view.value in DRAWN_HERE:
            DRAWN_HERE[view.value]()
        else:
            ui.show_view(view, views, n)

ui.write_url(state, options)
