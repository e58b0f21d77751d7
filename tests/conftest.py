"""Shared fixtures: the sample corpus parsed once, and one collection ingested once per test run."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "reports"
YUEXI = SAMPLES / "000_d76d4b4009bfe151.txt"
YUNCHENG = SAMPLES / "001_b722d12b70247cc9.txt"
GASHIGEN = SAMPLES / "002_57d10eb15bb2ae81.txt"
TONGCHUAN = SAMPLES / "003_5c938f68f70698c0.txt"
DONGSHAN = SAMPLES / "004_1517837ce4499e82.txt"
HUAIAN = SAMPLES / "huaian-2024.pdf"


@pytest.fixture(scope="session")
def parsed():
    """ParsedReport of every sample file, keyed by file name."""
    from ingest.loaders import load
    from ingest.pipeline import parse_report

    out = {}
    for path in sorted(SAMPLES.iterdir()):
        loaded = load(path)
        out[path.name] = parse_report(loaded.text, str(path), loaded.format, loaded.content)
    return out


@pytest.fixture(scope="session")
def collection(tmp_path_factory):
    """A collection with the sample corpus ingested, in a private GONGKAI_HOME."""
    from index.collection import Collection
    from index.settings import Settings

    home = tmp_path_factory.mktemp("gongkai-home")
    coll = Collection(Settings.from_env(home))
    results = list(coll.ingest([SAMPLES]))
    assert [r.status for r in results] == ["added"] * len(results), [r.error for r in results]
    return coll


@pytest.fixture(scope="session")
def client(collection):
    from fastapi.testclient import TestClient

    from ui.api import create_app

    return TestClient(create_app(collection, with_ui=False))


@pytest.fixture(scope="session")
def corpus_collection(tmp_path_factory):
    """The samples and the 42 real reports of samples/corpus (copies of shared/corpus) in one collection."""
    from index.collection import Collection
    from index.settings import Settings

    home = tmp_path_factory.mktemp("gongkai-corpus-home")
    coll = Collection(Settings.from_env(home))
    results = list(coll.ingest([SAMPLES, ROOT / "samples" / "corpus"]))
    assert [r.status for r in results] == ["added"] * len(results), [r.error for r in results if r.error]
    return coll


@pytest.fixture(scope="session")
def portal_collection(tmp_path_factory):
    """The samples, samples/corpus and samples/corpus2 (莆田's portal, copies of shared/corpus2) in one
    collection: every report the questions written by people ask about."""
    from index.collection import Collection
    from index.settings import Settings

    home = tmp_path_factory.mktemp("gongkai-portal-home")
    coll = Collection(Settings.from_env(home))
    results = list(coll.ingest([SAMPLES, ROOT / "samples" / "corpus", ROOT / "samples" / "corpus2"]))
    assert not [r for r in results if r.status == "failed"], [(r.path, r.error) for r in results if r.error]
    return coll


def check_the_catalog_keeps_issuer_names(coll) -> None:
    """Shared by both backends: a catalog build stores what it derived from each issuer's name; a later
    build reads it (a description stored for this code is used as stored), and derives again what older
    code or a damaged row left."""
    from assistant.answer import _build_view, catalog_view
    from assistant.bodies import NAMES_VERSION, describe

    view = catalog_view(coll)
    stored = coll.facts.issuer_names(NAMES_VERSION)
    assert set(stored) == set(view.bodies.bodies) and len(stored) >= 5
    assert all(data == describe(issuer).as_json() for issuer, data in stored.items())
    issuer = "东山县人民政府办公室"
    right = stored[issuer]

    def rebuilt_after(version: str, data: dict):
        coll.facts.keep_issuer_names(version, {issuer: data})
        return _build_view(coll, coll.reports()).bodies

    try:
        planted = rebuilt_after(NAMES_VERSION, {**right, "aliases": [*right["aliases"], "测试用的名字"]})
        assert planted.fresh == {}  # read, not derived: the planted name finds the body
        assert planted.resolve("测试用的名字2020年收到多少申请", [2020]).issuers == [issuer]
        assert set(rebuilt_after("0" * 16, right).fresh) == {issuer}  # stored by older code
        assert coll.facts.issuer_names(NAMES_VERSION)[issuer] == right  # derived again, stored again
        assert set(rebuilt_after(NAMES_VERSION, {"units": "broken"}).fresh) == {issuer}  # a damaged row
        assert coll.facts.issuer_names(NAMES_VERSION)[issuer] == right
    finally:
        coll.facts.keep_issuer_names(NAMES_VERSION, {issuer: right})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The app under uvicorn on 127.0.0.1, in a thread of this process: real connections that can hang up."""

    def __init__(self, app, **config) -> None:
        import uvicorn

        self.port = _free_port()
        config = {"log_level": "warning", **config}
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, **config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return f"http://127.0.0.1:{self.port}"
            time.sleep(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
