"""Every link that worked before the redesign (issue 22) restores the same view.

Each row: a query string as a person may have shared or typed it, the URL the app writes back
for it (its canonical form: the filters, event, tab and map settings it restored) and the
notices it shows about what it ignored or changed. The table was recorded from the app at
7731917, before the redesign, on data/events.csv. A row changes only when a link's meaning
is meant to change: then say so in the commit.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from helpers import APP, SHIPPED, notices
from streamlit.testing.v1 import AppTest

from timeline import loading

LINKS = [
    ("", {}, []),
    ("category=war&category=ceasefire", {"category": ["war", "ceasefire"]}, []),
    ("category=war,ceasefire", {"category": ["war", "ceasefire"]}, []),
    ("category=WAR", {"category": ["war"]}, []),
    ("topic=energy", {"topic": ["energy"]}, []),
    ("country=ARM&country=TUR", {"country": ["ARM", "TUR"]}, []),
    ("country=arm", {"country": ["ARM"]}, []),
    ("org=CoE", {"org": ["CoE"]}, []),
    ("org=coe,un", {"org": ["CoE", "UN"]}, []),
    ("years=1988&years=1994", {"years": ["1988", "1994"]}, []),
    ("years=1988-1994", {"years": ["1988", "1994"]}, []),
    ("years=1988..1994", {"years": ["1988", "1994"]}, []),
    ("years=1994", {"years": ["1994", "1994"]}, []),
    ("years=1994&years=1988", {"years": ["1988", "1994"]}, []),
    (
        "years=1900-3000",
        {},
        ["Years '1900-3000' in the link were narrowed to 1918–2020: the table covers 1918–2020."],
    ),
    ("years=abc", {}, ["Ignored years 'abc' in the link: expected two years."]),
    ("years=2500-2600", {}, ["Ignored years '2500-2600' in the link: the table covers 1918–2020."]),
    ("q=ceasefire", {"q": ["ceasefire"]}, []),
    ("q=Volonte", {"q": ["Volonte"]}, []),
    ("q=council+of+europe", {"q": ["council of europe"]}, []),
    ("event=1994-05-12-ceasefire-in-effect", {"event": ["1994-05-12-ceasefire-in-effect"]}, []),
    ("event=nope", {}, ["Ignored event 'nope' in the link: no event has that id."]),
    ("view=map", {"view": ["map"]}, []),
    ("view=MAP", {"view": ["map"]}, []),
    ("view=relations&year=1993", {"view": ["relations"], "year": ["1993"]}, []),
    (
        "view=relations&year=1800",
        {"view": ["relations"]},
        ["Ignored year 1800 in the link: the table covers 1918–2020."],
    ),
    (
        "view=relations&year=x",
        {"view": ["relations"]},
        ["Ignored year 'x' in the link: expected a year."],
    ),
    ("view=per-year", {"view": ["per-year"]}, []),
    ("view=about", {"view": ["about"]}, []),
    (
        "view=bogus",
        {},
        [
            "Ignored view 'bogus' in the link: the views are 'table', 'map', 'per-year', 'relations', 'about'."  # noqa: E501
        ],
    ),
    ("zoom=1992-01..1993-06", {"zoom": ["1992-01-01..1993-06-30"]}, []),
    ("zoom=1992", {"zoom": ["1992-01-01..1992-12-31"]}, []),
    (
        "zoom=bad",
        {},
        ["Ignored zoom 'bad' in the link: expected two dates, e.g. 1992-01..1993-06."],
    ),
    ("zoom=1500..1600", {}, ["Ignored zoom '1500..1600' in the link: the table covers 1918–2020."]),
    (
        "view=map&map=countries&extent=world",
        {"view": ["map"], "map": ["countries"], "extent": ["world"]},
        [],
    ),
    ("map=bogus", {}, ["Ignored map 'bogus' in the link: the maps are 'places', 'countries'."]),
    ("extent=world", {"extent": ["world"]}, []),
    (
        "category=nope&country=XXX",
        {},
        [
            "Ignored unknown category value 'nope' in the link.",
            "Ignored unknown country value 'XXX' in the link.",
        ],
    ),
    ("event=a&event=b", {}, ["Ignored events 'a', 'b' in the link: no event has those ids."]),
    (
        "category=war&years=1991-1994&q=karabakh&event=1994-05-12-ceasefire-in-effect&view=map",
        {
            "category": ["war"],
            "years": ["1991", "1994"],
            "q": ["karabakh"],
            "event": ["1994-05-12-ceasefire-in-effect"],
            "view": ["map"],
        },
        [],
    ),
    (
        "country=RUS&view=relations&year=2000",
        {"country": ["RUS"], "view": ["relations"], "year": ["2000"]},
        [],
    ),
    ("unknown=1&category=war", {"unknown": ["1"], "category": ["war"]}, []),
]


@pytest.mark.parametrize(
    ("link", "written", "said"), LINKS, ids=[row[0] or "(none)" for row in LINKS]
)
def test_an_old_link_restores_the_same_view(monkeypatch, link, written, said):
    monkeypatch.setenv(loading.DATA_ENV, str(SHIPPED))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in parse_qsl(link, keep_blank_values=True):
        at.query_params[name] = [*at.query_params.get(name, []), value]
    at.run()
    assert not at.exception
    got = {k: v if isinstance(v, list) else [v] for k, v in dict(at.query_params).items()}
    assert got == written
    assert notices(at) == said
