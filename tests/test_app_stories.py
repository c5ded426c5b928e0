"""Guided stories on the page through AppTest, on the shipped table and data/stories.csv:
a story's link opens at its step, Previous and Next move through it, a bad step or story is
said, leaving restores the explorer, and the downloads hold the story's rows."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from helpers import APP, SAMPLE, SHIPPED, counter, notices
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from timeline import loading, ui
from timeline.io import read_events
from timeline.stories import read_stories

STORIES = read_stories(ui.STORIES, read_events(SHIPPED)["id"])
KARABAKH = STORIES["karabakh"]
N = len(KARABAKH.steps)


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(SHIPPED))
    return AppTest.from_file(str(APP), default_timeout=60)


def opened(app: AppTest, **params: str | list[str]) -> AppTest:
    for name, value in params.items():
        app.query_params[name] = value
    at = app.run()
    assert not at.exception
    return at


def step_of(at: AppTest) -> int | None:
    """The step the page says it shows ("Step 3 of 19"), None outside a story."""
    said = [m.value for m in at.main.markdown if m.value.startswith("**Step ")]
    return int(said[0].split()[1]) if said else None


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


def test_a_storys_link_opens_at_its_step_and_next_and_previous_move_through_it(app):
    at = opened(app, story="karabakh", step="3")
    assert step_of(at) == 3
    assert at.session_state[ui.S_EVENT] == KARABAKH.steps[2].event_id
    assert counter(at) == (N, 422)  # the story's own events, whatever the filters
    assert any(KARABAKH.steps[2].caption in h.proto.body for h in at.main.get("html"))
    assert any(
        "<h4 " in h.proto.body and KARABAKH.title in h.proto.body for h in at.main.get("html")
    )
    at.button(key=ui.K_NEXT).click().run()
    assert (step_of(at), at.session_state[ui.S_EVENT]) == (4, KARABAKH.steps[3].event_id)
    assert url(at) == {"story": ["karabakh"], "step": ["4"]}  # no event=: the step says it
    at.button(key=ui.K_PREV).click().run()
    at.button(key=ui.K_PREV).click().run()
    assert (step_of(at), url(at)) == (2, {"story": ["karabakh"], "step": ["2"]})
    at.button(key=ui.K_PREV).click().run()
    assert step_of(at) == 1 and at.button(key=ui.K_PREV).disabled
    assert url(at) == {"story": ["karabakh"]}


@pytest.mark.parametrize(("step", "brought"), [("99", N), ("0", 1)])
def test_a_step_out_of_range_is_brought_into_it_with_a_notice(app, step, brought):
    at = opened(app, story="karabakh", step=step)
    assert step_of(at) == brought
    said = f"Step {step} in the link was brought to {brought}: the story “{KARABAKH.title}”"
    assert any(n.startswith(said) for n in notices(at))
    assert at.button(key=ui.K_NEXT).disabled == (brought == N)


def test_an_unknown_story_is_named_in_a_notice_and_the_explorer_shown(app):
    at = opened(app, story="atlantis", step="2", category="war")
    assert "Ignored story 'atlantis' in the link: no such story here." in notices(at)
    assert step_of(at) is None
    assert at.selectbox(key=ui.K_STORY_PICK).value is None  # the picker, to choose one
    assert url(at) == {"category": ["war"]}


def test_leaving_the_story_restores_the_explorers_filters_and_event(app):
    at = opened(app, category="war", event="2020-09-27-second-nagorno-karabakh-war")
    shown = counter(at)
    at.selectbox(key=ui.K_STORY_PICK).set_value("karabakh").run()
    assert step_of(at) == 1 and counter(at) == (N, 422)
    assert at.sidebar.multiselect(key="category").value == []
    assert at.sidebar.multiselect(key="category").disabled
    at.button(key=ui.K_NEXT).click().run()
    at.button(key=ui.K_LEAVE).click().run()
    assert step_of(at) is None and counter(at) == shown
    assert at.sidebar.multiselect(key="category").value == ["war"]
    assert url(at) == {"category": ["war"], "event": ["2020-09-27-second-nagorno-karabakh-war"]}


def test_a_storys_link_opened_cold_leaves_to_the_explorers_defaults(app):
    at = opened(app, story="karabakh", step="5", category="war")
    assert step_of(at) == 5 and counter(at) == (N, 422)  # the link's filter waits
    at.button(key=ui.K_LEAVE).click().run()
    assert url(at) == {"category": ["war"]}
    at = opened(AppTest.from_file(str(APP), default_timeout=60), story="karabakh")
    at.button(key=ui.K_LEAVE).click().run()
    assert url(at) == {} and counter(at) == (422, 422)


def test_earlier_and_later_go_through_the_filtered_events_by_date(app):
    at = opened(app, category="ceasefire", event="1994-05-12-ceasefire-in-effect")
    before = at.session_state[ui.S_EVENT]
    at.button(key=ui.K_NEXT).click().run()
    later = at.session_state[ui.S_EVENT]
    assert later != before and url(at)["event"] == [later]
    at.button(key=ui.K_PREV).click().run()
    assert at.session_state[ui.S_EVENT] == before


def test_the_downloads_in_a_story_hold_its_rows_and_the_package_names_it(app, monkeypatch):
    files = {}
    real = MediaFileManager.add_deferred

    def kept(self, data, mimetype, coordinates, file_name=None, **kw):
        files[file_name] = data
        return real(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", kept)
    opened(app, story="karabakh", step="2")
    rows = files["azerbaijan-relations_story-karabakh.csv"]().decode().splitlines()[1:]
    ids = sorted(line.split(",")[0] for line in rows)
    assert ids == sorted(s.event_id for s in KARABAKH.steps)
    with zipfile.ZipFile(
        io.BytesIO(files["azerbaijan-relations_story-karabakh-with-sources.zip"]())
    ) as z:
        meta = json.loads(z.read("datapackage.json"))
    assert meta["filters"] == {"story": {"id": "karabakh", "title": KARABAKH.title}}


def test_selecting_one_of_the_storys_events_moves_to_its_step(app):
    at = opened(app, story="karabakh", step="3")
    at.session_state[ui.S_EVENT] = KARABAKH.steps[6].event_id  # as a click on its mark does
    at.run()
    assert step_of(at) == 7 and url(at) == {"story": ["karabakh"], "step": ["7"]}


def test_a_table_without_a_storys_events_is_not_offered_it_and_is_told_so(monkeypatch):
    monkeypatch.setenv(loading.DATA_ENV, str(SAMPLE))  # 15 events: no story's all
    at = opened(AppTest.from_file(str(APP), default_timeout=60), story="karabakh")
    assert "Ignored story 'karabakh' in the link: no such story here." in notices(at)
    assert ui.K_STORY_PICK not in [s.key for s in at.selectbox]
    assert any("guided stories are not offered" in m.value for m in at.main.markdown)
