"""Bad input loses nothing, ingestion is all-or-nothing, and report text never runs as markup."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import DONGSHAN, ROOT, YUEXI

from index.collection import Collection
from index.settings import Settings


def test_the_collection_is_unchanged_by_failed_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_MAX_FILE_MB", "0.01")  # 10 KB: Dongshan (9.4 KB) fits, a padded copy does not
    coll = Collection(Settings.from_env(tmp_path / "home"))
    assert [r.status for r in coll.ingest([DONGSHAN])] == ["added"]
    before = ([r.id for r in coll.reports()], coll.vectors.count(), len(coll.facts.chunks()))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "huge.txt").write_bytes(DONGSHAN.read_bytes() + b" " * 20_000)
    (bad / "script.html").write_text("<html><script>alert(1)</script><body><p>no report here</p></body></html>")
    (bad / "notice.txt").write_text("关于做好春节期间安全工作的通知\n请各单位注意安全。", encoding="utf-8")
    (bad / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 50)
    results = list(coll.ingest([bad]))
    assert [r.status for r in results] == ["failed"] * 4
    errors = " | ".join(r.error for r in results)
    assert "too large" in errors and "not a government information disclosure report" in errors
    assert ([r.id for r in coll.reports()], coll.vectors.count(), len(coll.facts.chunks())) == before


def test_same_content_is_a_no_op_and_a_corrected_version_replaces_the_old(tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    src = tmp_path / "dongshan.txt"
    src.write_bytes(DONGSHAN.read_bytes())
    (first,) = coll.ingest([src])
    (again,) = coll.ingest([src])
    assert (first.status, again.status) == ("added", "unchanged")
    n_vectors = coll.vectors.count()
    src.write_text(
        DONGSHAN.read_text(encoding="utf-8").replace("共主动公开政府信息164条", "共主动公开政府信息165条"),
        encoding="utf-8",
    )
    (fixed,) = coll.ingest([src])
    assert fixed.status == "replaced" and fixed.replaced == [first.report_id]
    assert [r.id for r in coll.reports()] == [fixed.report_id]
    assert coll.vectors.count() == n_vectors  # the old chunks went with the old report
    assert {f.value_text for f in coll.facts.figures([fixed.report_id], "text.proactive_items")} == {"165", "80"}
    assert coll.remove(fixed.report_id) and coll.reports() == [] and coll.vectors.count() == 0


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after-facts", "after-vectors"])
def test_a_process_killed_mid_ingest_leaves_no_half_report(tmp_path, point):
    home = tmp_path / "home"
    marker = tmp_path / "paused"
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_PAUSE_AT": point, "GONGKAI_PAUSE_MARKER": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ingest", str(YUEXI)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert marker.exists(), "the ingest never reached the pause point"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    coll = Collection(Settings.from_env(home))  # opening recovers
    assert coll.reports() == []
    assert coll.facts.reports("pending") == []
    assert coll.vectors.count() == 0
    assert [r.status for r in coll.ingest([YUEXI])] == ["added"]
    assert len(coll.reports()) == 1


def test_report_text_with_markup_is_escaped_in_the_chat(tmp_path):
    from assistant.answer import ask
    from ui.render import answer_markdown

    evil = DONGSHAN.read_text(encoding="utf-8").replace(
        "今年以来,共受理县政府和县政府办信息公开申请3件",
        '今年以来,<script>alert("x")</script><img src=x onerror=alert(1)>共受理县政府和县政府办信息公开申请3件',
    )
    path = tmp_path / "evil.txt"
    path.write_text(evil, encoding="utf-8")
    coll = Collection(Settings.from_env(tmp_path / "home"))
    assert [r.status for r in coll.ingest([path])] == ["added"]
    answer = ask("东山县2020年收到多少政府信息公开申请？", None, coll)
    assert any("<script>" in c.quote for c in answer.citations)  # stored and returned as data…
    md = answer_markdown(answer)
    assert "<script>" not in md and "<img" not in md  # …never as markup
    assert "&lt;script&gt;" in md


def test_api_rejects_oversized_requests(client):
    r = client.post(
        "/api/ask", content=b'{"question": "' + b"x" * 200_000 + b'"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert "too large" in r.json()["detail"]
