"""Issue 27.5: Play animates at most `relations.PLAY_YEARS` years, and the page says so."""

from __future__ import annotations

from pathlib import Path

from helpers import APP, SHIPPED
from streamlit.testing.v1 import AppTest

from timeline import loading, ui, url_state

FAR = "far,Far,agreement,2000,2999,JPN,,borders,,,,D,S,https://example.org/far,,\n"


def test_the_page_says_where_play_stops(tmp_path: Path, monkeypatch):
    path = tmp_path / "far.csv"
    path.write_text(SHIPPED.read_text(encoding="utf-8") + FAR, encoding="utf-8")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.session_state[ui.K_VIEW] = url_state.VIEWS["relations"]
    at.session_state[ui.K_PLAY] = True
    at = at.run()
    assert not at.exception
    said = [m.value for m in at.markdown if "Play shows" in m.value]
    assert said == [
        ":small[Play shows 1918–2037, at most 120 years; the events run to 2999: choose a later "
        "year with the slider to see its map.]"
    ]
    at.session_state[ui.K_PLAY] = False  # the map of one year: nothing is cut
    assert not [m for m in at.run().markdown if "Play shows" in m.value]
