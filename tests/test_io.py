"""The loader: the shipped table, a hand-made edge-case table, and a table of bad inputs."""

import io

import pandas as pd
import pytest
from helpers import EDGE, FULL_HEADER, GOOD, HEADER, SHIPPED, csv_text, good
from peak import peak_mb

from timeline import schema
from timeline.__main__ import main
from timeline.io import EventTableError, read_events


def problems_of(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(EventTableError) as caught:
        read_events(io.BytesIO(data), name="t.csv")
    return [str(p) for p in caught.value.problems]


# --- the shipped table ---------------------------------------------------------------------


def test_shipped_table_validates_and_stays_within_1918_2020():
    df = read_events(SHIPPED)
    assert len(df) >= 120
    assert df["start"].min() >= pd.Timestamp("1918-01-01")
    assert df["end"].max() <= pd.Timestamp("2020-12-31")
    counts = df["category"].value_counts()
    assert (counts[list(schema.CATEGORIES)] >= 3).all(), counts.to_dict()


@pytest.mark.parametrize(
    ("event_id", "start_date", "end_date"),
    [
        # Dates exactly as the article in ../shared/sources states them.
        ("1991-12-25-us-recognition", "1991-12-25", ""),
        ("2020-09-27-second-nagorno-karabakh-war", "2020-09-27", "2020-11-10"),
        ("2016-06-volonte-accused-milan", "2016-06", ""),
        ("2008-03-04-mardakert-skirmishes", "2008-03-04", ""),
        ("2006-07-24-montenegro-recognition", "2006-07-24", ""),
        ("2008-04-24-montenegro-diplomatic-relations", "2008-04-24", ""),
        ("2020-09-28-partial-mobilisation", "2020-09-28", ""),
        ("2017-03-06-esisc-armenian-connection", "2017-03-06", ""),
        ("2017-04-18-esisc-armenian-connection-chapter-2", "2017-04-18", ""),
    ],
)
def test_shipped_table_has_the_articles_dated_events(event_id, start_date, end_date):
    df = read_events(SHIPPED).set_index("id")
    assert event_id in df.index, f"{event_id} is missing from data/events.csv"
    assert df.at[event_id, "start_date"] == start_date
    assert df.at[event_id, "end_date"] == end_date


# --- a hand-made table of edge cases --------------------------------------------------------


def test_edge_case_table_loads_to_the_expected_frame():
    df = read_events(EDGE)
    assert list(df.columns) == [*schema.COLUMNS, *schema.DERIVED_COLUMNS]
    assert df["id"].tolist() == [
        "1994-05-bishkek",
        "2016-06-volonte",
        "1918-1920-war",
        "1991-12-us",
    ]
    # quoted commas and doubled quotes
    assert df.at[0, "title"] == "Bishkek Protocol, a truce"
    assert df.at[0, "description"] == 'Signed in Bishkek, Kyrgyzstan; the "ceasefire" held.'
    # non-ASCII text, surrounding spaces trimmed, a line break kept inside a quoted field
    assert df.at[1, "title"] == "Luca Volontè accused"
    assert df.at[1, "description"] == "Milan prosecutors: Volontè\ntook bribes."
    assert df.at[1, "source_title"] == "Guardian – “Caviar diplomacy”"
    # lists
    assert df.at[0, "countries"] == ("ARM", "RUS")
    assert df.at[2, "organizations"] == ()
    assert df.at[1, "topics"] == ("caviar-diplomacy", "corruption")
    # precision and periods
    assert df["precision"].tolist() == ["day", "month", "year", "day"]
    assert df["start"].tolist() == [
        pd.Timestamp(d) for d in ("1994-05-05", "2016-06-01", "1918-01-01", "1991-12-25")
    ]
    assert df["end"].tolist() == [
        pd.Timestamp(d) for d in ("1994-05-12", "2016-06-30", "1920-12-31", "1991-12-25")
    ]
    # missing coordinates are NaN, present ones floats
    assert df["lat"].isna().tolist() == [False, False, True, True]
    assert df.at[0, "lat"] == pytest.approx(42.8746)
    assert str(df["category"].dtype) == "category"


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted():
    data = ("\ufeff" + HEADER + "\r\n" + GOOD + "\r\n").encode()
    df = read_events(io.BytesIO(data))
    assert df.columns[0] == "id" and df.at[0, "id"] == "1994-05-bishkek"


def test_reads_text_streams_and_paths_alike(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "\n" + GOOD + "\n", encoding="utf-8")
    from_path = read_events(path)
    from_stream = read_events(io.StringIO(HEADER + "\n" + GOOD + "\n"))
    pd.testing.assert_frame_equal(from_path, from_stream)


# --- bad inputs: each gives its message and line ----------------------------------------------

BAD = [
    # (case, file text, expected problems, each "line: fragment")
    ("empty file", "", ["t.csv: is empty"]),
    ("header only", HEADER + "\n", ["t.csv: has a header row but no events"]),
    ("no header", GOOD + "\n" + GOOD + "\n", ["t.csv:1: is not a header row"]),
    ("semicolons", HEADER.replace(",", ";") + "\n", ["t.csv:1: separates its columns with ';'"]),
    ("missing column", HEADER.replace(",lon", "") + "\n", ["t.csv:1: lon is a missing column"]),
    (
        "unknown column",
        HEADER + ",notes\n" + GOOD + ",x\n",
        ["t.csv:1: notes is not a known column"],
    ),
    (
        "duplicated column",
        HEADER + ",title\n" + GOOD + ",x\n",
        ["t.csv:1: title is a column named more than once"],
    ),
    (
        "too many fields",
        f"{HEADER}\n{GOOD}\n{GOOD},extra\n",
        ["t.csv:3: has 15 fields, expected 14"],
    ),
    ("too few fields", f"{HEADER}\n{GOOD}\nx,y,war\n", ["t.csv:3: has 3 fields, expected 14"]),
    (
        "unclosed quote",
        f"{HEADER}\n{GOOD}\n{good(title=chr(34) + 'Open')}\n",
        ["t.csv:3: cannot be parsed as CSV"],
    ),
    ("bad id", f"{HEADER}\n{good(id='Bad_ID')}\n", ["t.csv:2: id 'Bad_ID' may hold only"]),
    (
        "duplicate id",
        f"{HEADER}\n{GOOD}\n{GOOD.replace('Bishkek', 'B')}\n",
        [
            "t.csv:2: id '1994-05-bishkek' is also used on line 3",
            "t.csv:3: id '1994-05-bishkek' is also used on line 2",
        ],
    ),
    ("empty title", f"{HEADER}\n{good(title='')}\n", ["t.csv:2: title is empty"]),
    ("long title", f"{HEADER}\n{good(title='x' * 121)}\n", ["is longer than 120 characters"]),
    (
        "unknown category",
        f"{HEADER}\n{good(category='battle')}\n",
        ["t.csv:2: category 'battle' is not a known category"],
    ),
    (
        "impossible day",
        f"{HEADER}\n{good(start_date='1994-02-30')}\n",
        ["t.csv:2: start_date '1994-02-30' is not a real date"],
    ),
    (
        "month 13",
        f"{HEADER}\n{good(start_date='1994-13')}\n",
        ["t.csv:2: start_date '1994-13' is not a real date"],
    ),
    ("two-digit year", f"{HEADER}\n{good(start_date='94')}\n", ["start_date '94' is not a real"]),
    ("slashes", f"{HEADER}\n{good(end_date='1994/05/12')}\n", ["end_date '1994/05/12' is not"]),
    ("empty start", f"{HEADER}\n{good(start_date='')}\n", ["t.csv:2: start_date is empty"]),
    (
        "end before start",
        f"{HEADER}\n{good(end_date='1994-05-04')}\n",
        ["t.csv:2: end_date '1994-05-04' is before start_date"],
    ),
    (
        "end in the same month as a day start is fine, earlier month is not",
        f"{HEADER}\n{good(start_date='1994-05', end_date='1994-04-30')}\n",
        ["end_date '1994-04-30' is before start_date"],
    ),
    (
        "Soviet code",
        f"{HEADER}\n{good(countries='SUN')}\n",
        ["t.csv:2: countries 'SUN' has an unknown ISO 3166-1 alpha-3 country code: 'SUN'"],
    ),
    (
        "lower-case code",
        f"{HEADER}\n{good(countries='ARM;arm;XXX')}\n",
        ["country code: 'arm', 'XXX'"],
    ),
    ("empty list item", f"{HEADER}\n{good(countries='ARM;;RUS')}\n", ["code: an empty item"]),
    (
        "repeated item",
        f"{HEADER}\n{good(countries='ARM;ARM')}\n",
        ["countries 'ARM;ARM' lists the same item twice"],
    ),
    (
        "unknown organization",
        f"{HEADER}\n{good(organizations='UNO')}\n",
        ["organizations 'UNO' has an unknown organization: 'UNO'"],
    ),
    ("no topic", f"{HEADER}\n{good(topics='')}\n", ["t.csv:2: topics is empty"]),
    (
        "unknown topic",
        f"{HEADER}\n{good(topics='Karabakh')}\n",
        ["topics 'Karabakh' has an unknown topic: 'Karabakh'"],
    ),
    ("latitude out of range", f"{HEADER}\n{good(lat='91')}\n", ["lat '91' is not a latitude"]),
    ("latitude NaN", f"{HEADER}\n{good(lat='NaN')}\n", ["lat 'NaN' is not a latitude"]),
    ("longitude inf", f"{HEADER}\n{good(lon='inf')}\n", ["lon 'inf' is not a longitude"]),
    (
        "half the coordinates",
        f"{HEADER}\n{good(lon='')}\n",
        ["t.csv:2: location 'Bishkek' needs both lat and lon"],
    ),
    (
        "coordinates without a place",
        f"{HEADER}\n{good(location='')}\n",
        ["t.csv:2: location needs both lat and lon"],
    ),
    (
        "javascript URL",
        f"{HEADER}\n{good(source_url='javascript:alert(1)')}\n",
        ["source_url 'javascript:alert(1)' is not an http:// or https:// web address"],
    ),
    (
        "data URL",
        HEADER + "\n" + good(source_url='"data:text/html;base64,PHA+"') + "\n",
        ["source_url 'data:text/html;base64,PHA+' is not an http"],
    ),
    ("no source title", f"{HEADER}\n{good(source_title='')}\n", ["source_title is empty"]),
    ("long id", f"{HEADER}\n{good(id='a' * 101)}\n", ["...' is longer than 100 characters"]),
    (
        "long URL",
        f"{HEADER}\n{good(source_url='https://e.org/' + 'a' * 1987)}\n",
        ["...' is longer than 2000 characters"],
    ),
    (
        "user name before the host",
        f"{HEADER}\n{good(source_url='https://en.wikipedia.org:443@evil.example/wiki/Baku')}\n",
        ["source_url 'https://en.wikipedia.org:443@evil.example/wiki/Baku' has a user name"],
    ),
    (
        "user name in an upper-case URL",
        f"{HEADER}\n{good(source_url='HTTPS://user@evil.example')}\n",
        ["source_url 'HTTPS://user@evil.example' has a user name before its host"],
    ),
    *[
        (
            f"bidi U+{ord(char):04X} in {column}",
            f"{HEADER}\n{good(**{column: 'Bishkek ' + char + 'lotorP'})}\n",
            [f"t.csv:2: {column} 'Bishkek \\u{ord(char):04x}lotorP' holds an invisible bidi"],
        )
        for char, column in [
            ("\u202e", "title"),
            ("\u202a", "description"),
            ("\u2066", "location"),
            ("\u2069", "source_title"),
        ]
    ],
    (
        "bidi in a URL",
        HEADER + "\n" + good(source_url="https://e.org/\u202egpj.exe") + "\n",
        ["t.csv:2: source_url 'https://e.org/\\u202egpj.exe' holds an invisible bidi"],
    ),
    (
        "two byte-order marks",
        "\ufeff\ufeff" + HEADER + "\n" + GOOD + "\n",
        ["t.csv:1: starts with two byte-order marks (U+FEFF)"],
    ),
    (
        "long description",
        f"{HEADER}\n{good(description='d' * 501)}\n",
        ["t.csv:2: description 'ddddd"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_names_the_line_the_column_and_the_value(text, expected):
    problems = problems_of(text)
    assert len(problems) == len(expected), problems
    for got, want in zip(problems, expected, strict=True):
        assert want in got, (got, want)


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://EN.WIKIPEDIA.ORG/wiki/Bishkek_Protocol",
        "Http://example.org",
        "https://e.org/" + "a" * 1986,  # 2,000 characters
        "https://en.wikipedia.org/wiki/Foo@bar",  # an @ after the host is part of the path
    ],
)
def test_web_addresses_in_any_case_and_up_to_2000_characters_are_accepted(url):
    text = f"{HEADER}\n{good(id='a' * 100, source_url=url)}\n"
    # Kept with the scheme and host in lower case, as browsers open them (tests/test_source_hosts)
    kept = url.replace("HTTPS://EN.WIKIPEDIA.ORG", "https://en.wikipedia.org").replace(
        "Http", "http"
    )
    assert read_events(io.BytesIO(text.encode()))["source_url"].tolist() == [kept]


def test_line_numbers_count_physical_lines_past_multi_line_fields_and_blank_lines():
    multi = good(description='"two\nlines"')
    text = f"{HEADER}\n{multi}\n\n{good(id='second', category='nope')}\n"
    assert problems_of(text) == [
        "t.csv:5: category 'nope' is not a known category (" + ", ".join(schema.CATEGORIES) + ")"
    ]


def test_every_problem_of_a_table_is_listed_in_file_order():
    text = (
        f"{HEADER}\n{good(id='a', lat='99')}\n{good(id='b')}\n{good(id='c', title='', lon='x')}\n"
    )
    problems = problems_of(text)
    assert [p.split(" ")[0] for p in problems] == ["t.csv:2:", "t.csv:4:", "t.csv:4:"]
    assert "title is empty" in problems[1] and "lon 'x'" in problems[2]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            (HEADER + "\n" + GOOD.replace("A truce", "Volontè") + "\n").encode("latin-1"),
            "t.csv:2: is not UTF-8 text: byte 0xE8 at column",
        ),
        ((HEADER + "\n" + GOOD + "\n").encode("utf-16"), "t.csv: is UTF-16 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "t.csv:1: is not UTF-8 text"),
        (HEADER.encode() + b"\n\x00\x01\x02\n", "t.csv: is a binary file"),
    ],
    ids=["latin-1", "utf-16", "png", "nul bytes"],
)
def test_text_that_is_not_utf8_is_refused_with_where(data, expected):
    problems = problems_of(data)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


# --- the command line ---------------------------------------------------------------------


def test_cli_validates_the_shipped_table(capsys):
    assert main(["validate", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and out.rstrip().endswith("events, 1918–2020")


def test_cli_lists_each_problem_on_its_own_line_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{good(start_date='1994-02-30')}\n{good(id='x', lat='91')}\n")
    assert main(["validate", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{bad}:2: start_date '1994-02-30' is not a real date in the form YYYY, YYYY-MM or "
        "YYYY-MM-DD",
        f"{bad}:3: lat '91' is not a latitude between -90 and 90",
    ]


def test_cli_reports_a_missing_file_without_a_traceback(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 1
    out = capsys.readouterr().out
    assert "nope.csv: cannot be read" in out and "Traceback" not in out


@pytest.mark.parametrize(
    "values",
    [[("A",), ("B",), ("A",)], [("A", "B"), ("C", "D")], [(), ("A",)], [], ["x", "y", "x"]],
)
def test_map_distinct_calls_once_per_distinct_value_and_keeps_tuples_whole(values):
    calls = []
    out = schema.map_distinct(pd.Series(values, dtype=object), lambda v: calls.append(v) or v)
    assert list(out) == values
    assert len(calls) == len(set(values))


# --- hostile shapes: bounded memory ------------------------------------------------------------

# The interpreter with pandas, pandera and Arrow loaded is about 170 MB; a refusal may add little.
PEAK_BUDGET_MB = 300
_REFUSE = """
import io, sys
from timeline.__main__ import main
from timeline.io import upload_limits
from timeline.loading import load_table
path, how = sys.argv[1:]
if how == "validate":
    main(["validate", path])
else:
    with open(path, "rb") as f:
        loaded = load_table(f, name="up.csv", limits=upload_limits({}))
    print("\\n".join(str(p) for p in loaded.problems))
"""
A_MILLION_COMMAS = "," * 1_000_000


@pytest.mark.parametrize("how", ["validate", "upload"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEADER + A_MILLION_COMMAS + "\nx\n",
            ":1: has more than 1,000 columns: the header row must name the 16 columns "
            + FULL_HEADER,
        ),
        (
            f"{HEADER}\n{GOOD}\n{good(id='two')}{A_MILLION_COMMAS}\n{GOOD}\n",
            ":3: has more than 1,000 fields, expected 14",
        ),
    ],
    ids=["header", "row"],
)
def test_a_million_commas_are_refused_in_bounded_memory(tmp_path, how, text, expected):
    path = tmp_path / "wide.csv"
    path.write_text(text)
    peak, out = peak_mb(_REFUSE, str(path), how)
    assert peak < PEAK_BUDGET_MB, f"{peak:.0f} MB"
    assert expected in out.splitlines()[0], out[:500]
    assert len(out) < 20_000  # a capped list, not a problem per column


def test_a_row_of_millions_of_fields_in_a_full_size_upload_is_never_built(tmp_path):
    # 49 MB, under the 50 MB upload limit: a list of its 16 million fields would take 1.5 GB.
    path = tmp_path / "wide.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n" + "ab," * 16_000_000 + "\n")
    peak, out = peak_mb(_REFUSE, str(path), "upload")
    assert out.splitlines()[0].startswith("up.csv:3: has more than 1,000 fields, expected 14")
    assert peak < PEAK_BUDGET_MB + 3 * 49, f"{peak:.0f} MB"  # the upload, a copy, its text


def test_quoted_commas_are_not_fields_and_a_row_of_1000_fields_is_counted_exactly():
    quoted = good(description='"' + "," * 5000 + '"')
    assert problems_of(f"{HEADER}\n{quoted}\n") == [
        "t.csv:2: description '" + "," * 57 + "...' is longer than 500 characters"
    ]
    hint = " (a comma inside a field needs double quotes around the field)"
    assert problems_of(f"{HEADER}\n{GOOD}{',' * 986}\n") == [
        "t.csv:2: has 1000 fields, expected 14" + hint
    ]
    assert problems_of(f"{HEADER}\n{GOOD}{',' * 987}\n{GOOD}\n") == [
        "t.csv:2: has more than 1,000 fields, expected 14" + hint
    ]


# --- the link limit: countries and organizations named, summed over the rows ------------------


def _linked(n: int, description: str = "A truce.") -> bytes:
    # GOOD names 3: ARM, RUS and CIS.
    rows = [good(id=f"e{i}", description=description if i == 0 else "A truce.") for i in range(n)]
    return csv_text(*rows).encode()


@pytest.mark.parametrize(
    ("description", "line"), [("A truce.", 5), ('"A\ntruce."', 6)], ids=["one-line", "multi-line"]
)
def test_an_upload_naming_too_many_countries_and_organizations_is_refused_at_its_line(
    monkeypatch, description, line
):
    from timeline.io import upload_limits
    from timeline.loading import load_table

    monkeypatch.setenv("TIMELINE_MAX_LINKS", "11")
    data = _linked(4, description)  # 3, 6, 9, then 12 names: the fourth row passes 11
    loaded = load_table(io.BytesIO(data), name="up.csv", limits=upload_limits())
    assert [str(p) for p in loaded.problems] == [
        f"up.csv:{line}: brings the countries and organizations named to more than 11 "
        "(12 by this line); the limit is 11"
    ]
    monkeypatch.setenv("TIMELINE_MAX_LINKS", "12")  # just at the limit
    assert load_table(io.BytesIO(data), name="up.csv", limits=upload_limits()).ok
    monkeypatch.setenv("TIMELINE_MAX_LINKS", "11")
    # A table the app is started with (--data, the command line) has no link limit.
    assert len(read_events(io.BytesIO(data))) == 4
