"""The README and docs/ against the code: links, commands, routes, settings and paths that drift apart.

The README is a map and docs/ holds the reference; both are prose nobody re-reads after a rename, so these
checks read the code's own lists (the argparse parser, the app's OpenAPI paths, the variables the modules
read) and fail when one of them is missing from the page a reader would look in. Fast: nothing is
ingested and nothing leaves the machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
CODE_DIRS = ("assistant", "index", "ingest", "ui", "measure")

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# a path into this repository as the pages name them: `ingest/tables.py`, samples/corpus2/, .ci/run
_REPO_PATH = re.compile(
    r"(?<![\w./-])((?:assistant|index|ingest|ui|measure|tests|scripts|samples|docs|\.ci)/[\w./-]*[\w/])"
)


def _text(*pages: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


def _mentions(text: str, word: str) -> bool:
    """``word`` in ``text`` as a whole name: GONGKAI_LLM is not mentioned by GONGKAI_LLM_MODEL alone."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", text) is not None


def test_the_pages_are_there():
    """The other checks pass vacuously on pages that are gone; the map and its reference must exist."""
    names = {p.name for p in DOCS}
    assert {"cli.md", "api.md", "configuration.md"} <= names
    unlisted = sorted(name for name in names if f"docs/{name}" not in README.read_text(encoding="utf-8"))
    assert not unlisted, f"docs pages missing from the README's Reference list: {unlisted}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_to_a_file(page):
    """A moved or renamed page leaves links to nowhere; code blocks are left out (they hold no links)."""
    prose = _FENCE.sub("", page.read_text(encoding="utf-8"))
    targets = [t for t in _LINK.findall(prose) if not _SCHEME.match(t) and not t.startswith("#")]
    broken = [t for t in targets if not (page.parent / t.split("#", 1)[0]).exists()]
    assert not broken, f"{page.name}: links to files that do not exist: {broken}"
    if page == README:
        assert len(targets) >= len(DOCS), "the README links every docs page"


def test_every_named_repo_path_exists():
    """The stage table says which module does each job; a renamed module makes the map lie."""
    named = sorted(set(_REPO_PATH.findall(_text(*PAGES))))
    assert len(named) > 40, named  # the stage table alone names more: a broken pattern finds nothing
    gone = [p for p in named if not (ROOT / p).exists()]
    assert not gone, f"named in the docs but not in the tree: {gone}"


def _choices(capsys, argv: list[str]) -> list[str]:
    """The subcommands argparse lists in its usage line (``{ingest,audit,…}``), from the parser ``main`` builds."""
    from ui.cli import main

    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    usage = capsys.readouterr().out
    found = re.search(r"\{([\w,-]+)\}", usage)
    assert found, usage
    return found.group(1).split(",")


def test_every_cli_command_is_documented(capsys):
    """Each ``gongkai`` subcommand as ``gongkai <name>`` in the README or docs/cli.md, and each benchmark
    as ``gongkai bench <name>`` in docs/cli.md or docs/evaluation.md, where the benchmarks are described."""
    commands = _choices(capsys, [])
    assert {"ingest", "ask", "serve", "bench"} <= set(commands)
    text = _text(README, ROOT / "docs" / "cli.md")
    missing = [c for c in commands if not _mentions(text, f"gongkai {c}")]
    assert not missing, f"gongkai commands in neither README.md nor docs/cli.md: {missing}"

    benches = _choices(capsys, ["bench"])
    assert "questions" in benches
    text = _text(ROOT / "docs" / "cli.md", ROOT / "docs" / "evaluation.md")
    missing = [b for b in benches if not _mentions(text, f"gongkai bench {b}")]
    assert not missing, f"benchmarks in neither docs/cli.md nor docs/evaluation.md: {missing}"


def test_every_api_path_is_documented(tmp_path):
    """Each path of the app's OpenAPI schema in docs/api.md, spelt as the schema spells it (``{report_id}``).
    The app is built on an empty collection: building it reads no report."""
    from index.collection import Collection
    from index.settings import Settings
    from ui.api import create_app

    app = create_app(Collection(Settings.from_env(tmp_path / "home")), with_ui=False)
    paths = sorted(app.openapi()["paths"])
    assert {"/api/ask", "/v1/chat/completions"} <= set(paths)
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    # a path ends where the text stops naming a path: /api/reports is not documented by /api/reports/{report_id}
    missing = [p for p in paths if not re.search(re.escape(p) + r"(?![\w/{])", api)]
    assert not missing, f"routes not in docs/api.md: {missing}"


def test_every_environment_variable_is_documented():
    """Every ``GONGKAI_…`` variable the code reads is in docs/configuration.md (or the README)."""
    read = set()
    for folder in CODE_DIRS:
        for source in (ROOT / folder).rglob("*.py"):
            read |= {name.rstrip("_") for name in re.findall(r"GONGKAI_[A-Z0-9_]+", source.read_text(encoding="utf-8"))}
    assert {"GONGKAI_HOME", "GONGKAI_LLM"} <= read
    text = _text(ROOT / "docs" / "configuration.md", README)
    missing = sorted(v for v in read if not _mentions(text, v))
    assert not missing, f"read by the code, named in neither docs/configuration.md nor README.md: {missing}"
