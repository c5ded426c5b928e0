"""docs/architecture.md names the modules as they are: every module it names exists, and every
module of src/timeline has its line in the page's table. The package declares its other files."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "src" / "timeline"
# A module, as `src/timeline/x.py` or `x.py` alone (`app.py` is the one outside the package).
NAMED = re.compile(r"(?<![\w/])(?:src/timeline/)?(\w+)\.py\b")


def test_every_module_the_page_names_exists():
    text = PAGE.read_text(encoding="utf-8")
    named = set(NAMED.findall(text))
    gone = sorted(m for m in named if not (PACKAGE / f"{m}.py").is_file() and m != "app")
    assert not gone, f"docs/architecture.md names modules that no longer exist: {gone}"


def test_every_module_has_its_line_on_the_page():
    rows = {
        m.group(1)
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        if (m := re.match(r"\| `src/timeline/(\w+)\.py` \| .+ \|$", line))
    }
    missing = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in rows)
    assert not missing, f"give these modules their line in docs/architecture.md: {missing}"


def test_the_package_declares_the_files_it_reads():
    # An installed package holds only the files pyproject.toml names (e.g. the About text).
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["timeline"]
    files = [p.name for p in PACKAGE.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert files and all(any(fnmatch(f, pat) for pat in patterns) for f in files), files
