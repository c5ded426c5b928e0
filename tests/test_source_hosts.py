"""The events table's Source column shows the host a link really opens, or the URL is refused."""

import re
from urllib.parse import unquote, urlsplit

import pytest
from helpers import table

from timeline import schema
from timeline.io import EventTableError


def shown_host(url: str) -> str:
    """What the Source column shows for `url`: Streamlit's LinkColumn applies `display_text`
    with JavaScript's String.match (flags "us": case-sensitive, anchored only by the pattern)
    and shows group 1, percent-decoded, or else the whole URL."""
    match = re.search(schema.URL_SHOWN_HOST, url, re.DOTALL)
    return unquote(match.group(1).replace("+", "%20")) if match else url


def load(url: str) -> str:
    """The source URL as the loader keeps it, from a one-row table citing `url`."""
    return table({"source_url": url})["source_url"].iloc[0]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("HTTPS://evil.example/?https://en.wikipedia.org/wiki/Baku", "evil.example"),
        ("Https://evil.example#https://www.un.org/", "evil.example"),
        ("https://Evil.Example/Wiki/Baku", "evil.example"),
        ("HTTP://WWW.UN.ORG/en/", "un.org"),
        ("https://evil.example:8443/https://un.org/", "evil.example"),
        ("https://evil.example?@un.org/", "evil.example"),  # the @ is in the query
        ("https://un.org.evil.example/", "un.org.evil.example"),
        ("https://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai"),
        # Refused: browsers read these otherwise than they show.
        ("https://en.wikipedia.org\\.evil.example/", None),  # `\` is `/` to a browser
        ("https://evil.example/\\https://un.org/", None),
        ("https://evil.example\\@en.wikipedia.org/", None),
        ("https:\\\\evil.example/", None),
        ("https://%65vil.example/", None),  # the browser decodes the host
        ("https://un.org%2F.evil.example/", None),
        ("https://un.org%2F@evil.example/", None),
        ("https://0x7f.1/", None),  # numeric hosts: 127.0.0.1
        ("https://127.0.0.1/", None),
        ("https://[::1]/x.y", None),
        ("https://ｅｖｉｌ.example/", None),  # full-width letters, rewritten to ASCII
        ("https://un.org。evil.example/", None),  # an ideographic full stop is a dot
        ("https://evil.example./", None),
        ("https://un.org\x1b.evil.example/", None),
        ("https://un.org\x7f.evil.example/", None),
        ("https://un.org/ https://evil.example/", None),
    ],
)
def test_the_source_column_shows_the_host_the_link_opens_or_the_url_is_refused(url, host):
    if host is None:
        with pytest.raises(EventTableError) as caught:
            load(url)
        problems = [str(p) for p in caught.value.problems]
        assert problems and all(p.startswith("t.csv:2: source_url ") for p in problems), problems
        return
    stored = load(url)
    assert shown_host(stored) == urlsplit(stored).hostname.removeprefix("www.") == host
    # Only the case of the scheme and host changed.
    assert stored.lower() == url.lower() and urlsplit(stored)[2:] == urlsplit(url)[2:]
