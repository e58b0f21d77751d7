"""The database or the vector server down (issue 38, item 7): PostgreSQL and the Chroma server are stopped and
started again through scripts/services.sh while a real server (uvicorn) answers clients.

Before: PostgreSQL stopped for 10 s under 10 clients gave 1,763 failures of 2,938 requests — plain-text
500s and connections reset — and 11 MB of tracebacks; Chroma stopped gave 420 failures. Now: every answer is
an answer (200, or 503 JSON with Retry-After), the outage is one log line and its end another, an answer
needing passages comes from the lexical index and says so, and an ingest that loses its database lists the
files it did not try. Skipped without the services, unless GONGKAI_REQUIRE_INTEGRATION=1.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import ROOT, SAMPLES, Served

DB = os.environ.get("GONGKAI_TEST_DATABASE_URL")
CHROMA = os.environ.get("GONGKAI_TEST_CHROMA_URL")
REQUIRED = os.environ.get("GONGKAI_REQUIRE_INTEGRATION") == "1"

pytestmark = [pytest.mark.integration, pytest.mark.slow]
if not (DB and CHROMA):
    if REQUIRED:
        raise RuntimeError("GONGKAI_REQUIRE_INTEGRATION=1 but the PostgreSQL/Chroma URLs are not set")
    pytestmark = [*pytestmark, pytest.mark.skip(reason="PostgreSQL/Chroma server not configured")]

UNAVAILABLE = "the facts store is unavailable; try again"
MIX = [
    ("POST", "/api/ask", {"question": "东山县2020年收到多少政府信息公开申请？"}),
    ("GET", "/api/search?q=行政复议&k=3", None),
    ("GET", "/api/reports?limit=5", None),
    ("GET", "/api/facts?issuer=东山&metric=applications_received", None),
    ("GET", "/api/health", None),
]


def services(what: str) -> None:
    """``scripts/services.sh stop-pg`` and the like, on the servers the tests' URLs name."""
    env = {
        **os.environ,
        "PG_PORT": str(urlsplit(DB).port),
        "CHROMA_PORT": str(urlsplit(CHROMA).port),
        "VENV": os.environ.get("VENV") or str(Path(sys.executable).parents[1]),
    }
    subprocess.run([ROOT / "scripts" / "services.sh", what], env=env, check=True, timeout=120)


def wait_for(check, seconds: float = 60) -> None:
    for _ in range(int(seconds * 4)):
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.25)
    raise AssertionError("the service did not come back")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A collection of the samples on its own PostgreSQL database and Chroma collection."""
    from sqlalchemy import create_engine, text

    from index.collection import Collection
    from index.settings import Settings

    name = "gongkai_outage"
    admin = create_engine(DB, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    settings = replace(
        Settings.from_env(tmp_path_factory.mktemp("home")),
        database_url=DB.rsplit("/", 1)[0] + f"/{name}",
        chroma_url=CHROMA,
        collection_name=f"gongkai_outage_{uuid.uuid4().hex[:8]}",
    )
    coll = Collection(settings)
    assert [r.status for r in coll.ingest([SAMPLES])] == ["added"] * 6
    yield coll
    coll.vectors.client.delete_collection(settings.collection_name)
    coll.facts.engine.dispose()


def _load(url: str, seconds_before: float, down: callable, seconds_down: float, up: callable, after: float):
    """10 clients asking the mix while ``down``/``up`` run: each answer's (time, status, headers, body)."""
    seen: list[tuple[float, int | str, dict, object]] = []
    done = threading.Event()
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            i = n
            while not done.is_set():
                method, path, body = MIX[i % len(MIX)]
                i += 1
                try:
                    r = http.request(method, path, json=body)
                    item = (time.monotonic(), r.status_code, dict(r.headers), r.json())
                except (httpx.HTTPError, ValueError) as exc:  # no answer, or not JSON
                    item = (time.monotonic(), type(exc).__name__, {}, None)
                with lock:
                    seen.append(item)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for c in clients:
        c.start()
    time.sleep(seconds_before)
    down()
    time.sleep(seconds_down)
    up()
    back = time.monotonic()
    time.sleep(after)
    done.set()
    for c in clients:
        c.join()
    return seen, back


def test_postgresql_stopped_under_load_answers_503_json_and_logs_the_outage_once(served, caplog):
    from ui.api import create_app

    caplog.set_level(logging.INFO)
    with Served(create_app(served, with_ui=False), log_config=None) as url:
        seen, back = _load(url, 2, lambda: services("stop-pg"), 4, lambda: services("start-pg"), 3)
    failed = [s for s in seen if s[1] != 200]
    assert failed, "the outage was not seen"
    assert {s[1] for s in failed} == {503}, {s[1] for s in failed}  # no resets, no 500s, no hangs
    assert all(s[3] == {"detail": UNAVAILABLE} and s[2]["retry-after"] == "5" for s in failed)
    assert all(s[1] == 200 for s in seen if s[0] > back + 1.5), "not every request succeeded once it was back"
    outage = [r for r in caplog.records if r.name == "gongkai.outage"]
    # one line when it goes and one when it is back; a server that is starting up may refuse once more just
    # after a first connection got through (seen: "the database system is starting up" 0.0 s after "back"),
    # which is a second, logged outage — never a line per request
    levels = [r.levelname for r in outage]
    assert levels in (["ERROR", "WARNING"], ["ERROR", "WARNING"] * 2), [r.getMessage() for r in outage]
    for down, up in zip(outage[::2], outage[1::2], strict=True):
        assert down.getMessage().startswith("the facts store is unavailable (")
        assert up.getMessage().startswith("the facts store is back after ")
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_chroma_stopped_answers_from_the_lexical_index_and_says_so(served, caplog):
    from ui.api import create_app

    caplog.set_level(logging.INFO)
    client = httpx.Client(timeout=60)
    with Served(create_app(served, with_ui=False), log_config=None) as url:
        question = {"question": "岳溪镇的民事全程代办设立了多少个服务站？"}
        assert client.post(f"{url}/api/ask", json=question).json()["notes"] == []
        services("stop-chroma")
        try:
            answer = client.post(f"{url}/api/ask", json=question)
            assert answer.status_code == 200 and "25个村(社区)民事全程代办服务站" in answer.json()["answer"]
            assert "向量索引暂时不可用：本次只按词语检索段落" in answer.json()["notes"]
            search = client.get(f"{url}/api/search", params={"q": "民事全程代办服务站"})
            assert search.status_code == 200 and search.json()
            assert search.headers["x-gongkai-degraded"].startswith("vector index unavailable")
            assert client.get(f"{url}/api/health").json()["degraded"] == ["vector index"]
            lookup = client.post(f"{url}/api/ask", json={"question": "东山县2020年收到多少政府信息公开申请？"})
            assert lookup.status_code == 200 and lookup.json()["facts"]  # figures come from the facts store
        finally:
            services("start-chroma")
        wait_for(lambda: httpx.get(f"{CHROMA}/api/v2/heartbeat").status_code == 200)
        again = client.post(f"{url}/api/ask", json=question).json()
        assert again["notes"] == [] and client.get(f"{url}/api/health").json()["degraded"] == []
    outage = [r.getMessage() for r in caplog.records if r.name == "gongkai.outage"]
    assert len(outage) == 2 and outage[0].startswith("the vector index is unavailable"), outage
    assert not [r for r in caplog.records if r.exc_info]


def test_an_ingest_that_loses_its_database_lists_every_file_it_did_not_try(served):
    files = sorted((ROOT / "samples" / "corpus" / "pingtan-depts").glob("gyz-*.txt"))
    results = []
    try:
        for r in served.ingest(files, batch=1):
            results.append(r)
            if len(results) == 1:
                services("stop-pg")
    finally:
        services("start-pg")
    assert [r.status for r in results] == ["added"] + ["not_tried"] * (len(files) - 1)
    assert [r.path for r in results[1:]] == [str(f) for f in files[1:]]
    assert all(str(r.fault).startswith("the facts store is unavailable") for r in results[1:])
    wait_for(lambda: served.facts.report(results[0].report_id) is not None)
    again = list(served.ingest([r.path for r in results[1:]]))
    assert [r.status for r in again] == ["added"] * (len(files) - 1)
    for r in results[:1] + again:
        served.remove(r.report_id)
