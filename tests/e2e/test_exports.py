"""The sidebar's exports in Chromium: "Copy link" puts the view's link on the clipboard, and the
ZIP holds the rows, their codes and a README with the table's version (issue 25, point 8)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import frictionless
from appdriver import assert_clean, counter, open_app

ROOT = Path(__file__).resolve().parents[2]
QUERY = "?category=war&category=ceasefire&years=1988&years=1994"


def test_copy_link_puts_the_link_of_this_view_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.app_url)
    open_app(page, QUERY)
    page.get_by_role("button", name="Copy link").click()
    link = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    link.hover()  # Streamlit shows a code block's copy icon under the pointer
    link.get_by_role("button", name="Copy to clipboard").click()
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    assert page.url.endswith(QUERY)
    assert_clean(page)


def test_the_zip_holds_a_readme_and_the_codes_with_the_tables_version(page, tmp_path):
    open_app(page, QUERY)
    shown, _ = counter(page)
    with page.expect_download() as zipped:
        page.get_by_role("button", name="With sources (ZIP)").click()
    with zipfile.ZipFile(zipped.value.path()) as zf:
        zf.extractall(tmp_path)
        names = sorted(zf.namelist())
    csv_name = "azerbaijan-relations_1988-1994_war-ceasefire.csv"
    assert names == ["README.md", csv_name, "codes.csv", "datapackage.json"]
    version = hashlib.sha256((ROOT / "data" / "events.csv").read_bytes()).hexdigest()[:12]
    meta = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["version"] == version and f"version {version}]" in meta["citation"]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert meta["citation"] in readme and page.url in readme
    assert "countries,ARM,Armenia\n" in (tmp_path / "codes.csv").read_text(encoding="utf-8")
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert report.tasks[0].stats["rows"] == shown
    assert_clean(page)
