"""Nobody let in, everything ends (issue 38, items 3, 4 and 9): the page's upload route takes files from the
admin only, abandoned crawls stop and never starve the API, and the OpenAPI schema says what the API answers."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from conftest import DONGSHAN, Served
from hostile_site import HostileSite

from index.collection import Collection
from index.settings import Settings

TOKEN = "s3cret"


def test_the_page_upload_route_takes_files_from_the_admin_only(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from ui.api import create_app

    monkeypatch.setenv("GONGKAI_ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    coll = Collection(Settings.from_env(tmp_path / "home"))
    client = TestClient(create_app(coll))
    files = {"files": ("report.txt", DONGSHAN.read_bytes(), "text/plain")}

    anonymous = client.post("/gradio_api/upload", files=files)
    assert anonymous.status_code == 401 and "admin token" in anonymous.json()["detail"]
    assert not list((tmp_path / "gradio").rglob("report.txt"))  # nothing kept
    wrong = client.post("/gradio_api/upload", files=files, cookies={"gongkai_admin": "guess"})
    assert wrong.status_code == 401
    # the Upload tab sets the cookie when the token is typed (the browser test uploads that way)
    admin = client.post("/gradio_api/upload", files=files, cookies={"gongkai_admin": TOKEN})
    assert admin.status_code == 200 and admin.json()[0].endswith("report.txt")
    bearer = client.post("/gradio_api/upload", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200
    monkeypatch.delenv("GONGKAI_ADMIN_TOKEN")
    off = client.post("/gradio_api/upload", files=files, cookies={"gongkai_admin": TOKEN})
    assert off.status_code == 403 and "GONGKAI_ADMIN_TOKEN" in off.json()["detail"]


@pytest.mark.slow
def test_abandoned_crawls_stop_and_the_api_keeps_answering(tmp_path, monkeypatch):
    """40 crawls of a site that drips a byte a second, each abandoned once it started. Before, they held the
    API's thread pool and GET /api/health waited 158 s; now two run (GONGKAI_MAX_CRAWLS), the rest are told
    to come back, the two stop when their clients hang up, and the API answers throughout."""
    from ui.api import create_app

    monkeypatch.setenv("GONGKAI_ADMIN_TOKEN", TOKEN)
    coll = Collection(Settings.from_env(tmp_path / "home"))
    site = HostileSite(drip_seconds=1.0).serve()
    body = {"urls": [f"{site.url}/drip/list/"], "allow_hosts": [f"127.0.0.1:{site.port}"], "delay": 0.1}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    answers: list[object] = []
    try:
        with Served(create_app(coll, with_ui=False)) as url:
            answered = threading.Barrier(40)
            hang_up = threading.Event()

            def abandon() -> None:  # a crawl that started is held until every client has its answer, then left
                with httpx.stream("POST", f"{url}/api/crawl", json=body, headers=auth, timeout=60) as r:
                    answers.append(
                        (r.status_code, r.headers.get("retry-after"), r.read() if r.status_code != 200 else b"")
                    )
                    answered.wait(timeout=60)
                    if r.status_code == 200:
                        hang_up.wait(timeout=60)

            clients = [threading.Thread(target=abandon) for _ in range(40)]
            for c in clients:
                c.start()
            for _ in range(240):  # both crawls are dripping the list page when their clients go
                if [p for _, p in site.hits].count("/drip/list/") == 2:
                    break
                time.sleep(0.25)
            t0 = time.monotonic()  # the API answers while the crawls run (158 s before, behind 40 crawls)
            health = httpx.get(f"{url}/api/health", timeout=120)
            waited = time.monotonic() - t0
            assert health.status_code == 200 and health.json()["crawls"] == 2 and waited < 30, waited
            hang_up.set()
            for c in clients:
                c.join()
            started = [a for a in answers if a[0] == 200]
            refused = [a for a in answers if a[0] == 503]
            assert len(started) == 2 and len(refused) == 38, [a[0] for a in answers]
            assert all(r[1] == "30" and b"crawls are running" in r[2] for r in refused)
            # the two whose clients hung up stop (their reads end within half a second of the stop)
            for _ in range(120):
                if httpx.get(f"{url}/api/health", timeout=30).json()["crawls"] == 0:
                    break
                time.sleep(0.25)
            assert httpx.get(f"{url}/api/health", timeout=30).json()["crawls"] == 0
            drips = [p for _, p in site.hits].count("/drip/list/")
            assert drips == 2  # and nothing asked for since
            with httpx.stream("POST", f"{url}/api/crawl", json=body, headers=auth, timeout=5.0) as again:
                assert again.status_code == 200  # a slot is free again
    finally:
        site.stop()


def test_the_openapi_schema_says_what_the_api_answers(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    comps = schema["components"]["schemas"]

    def reply(path: str, method: str, status: str) -> str:
        ref = paths[path][method]["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    invalid = comps["InvalidOut"]["properties"]["detail"]["anyOf"]
    assert {x.get("type") for x in invalid} == {"array", "string"}  # a list of field errors, or one rule
    assert set(comps["FieldError"]["properties"]) == {"loc", "msg", "type"}
    for path, method in [("/api/ask", "post"), ("/api/search", "get"), ("/api/facts", "get"), ("/api/compare", "get")]:
        assert reply(path, method, "422") == "InvalidOut"
        assert reply(path, method, "503") == "ErrorOut"
    assert reply("/api/health", "get", "503") == "ErrorOut"
    assert reply("/api/reports/{report_id}", "get", "404") == "ErrorOut"
    upload = paths["/api/reports"]["post"]["responses"]
    assert {"401", "403", "413", "422", "503", "507"} <= set(upload)
    assert reply("/api/reports", "post", "507") == "StoppedOut"
    assert {"401", "403", "503"} <= set(paths["/api/crawl"]["post"]["responses"])
    assert "application/x-ndjson" in paths["/api/crawl"]["post"]["responses"]["200"]["content"]
