"""Hostile and odd files fail alone, fast and with a reason; the rest of their batch lands (issue "nothing lost")."""

from __future__ import annotations

import time

import pytest
from conftest import DONGSHAN, ROOT

from ingest.budget import OverBudgetError, time_budget
from ingest.loaders import LoadError, load_bytes
from measure.hostile import deep_html, docx_bomb, page_bomb, pdf_bomb, pdf_pages


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("bomb.pdf", pdf_bomb(), "inflates past"),
        ("page.pdf", page_bomb(1024), "drawing operators"),
        ("bomb.docx", docx_bomb(), "inflates to"),
        ("paragraphs.docx", docx_bomb(57), "XML elements"),
        ("nul.txt", "甲县财政局2021年政府信息公开工作年度报告\n".encode() * 400 + b"\x00\x01\x02", "binary"),
    ],
)
def test_a_bomb_or_binary_is_refused_fast_with_its_reason(name, data, reason):
    """Refused by the cap that names it (its size, operators, elements), not by running out of time:
    how fast is a benchmark's figure (`gongkai bench hostile`), not a timed test on a shared machine."""
    with pytest.raises(LoadError, match=reason):
        load_bytes(data, name)


def test_a_deeply_nested_page_is_read_not_a_crash():
    text = load_bytes(deep_html(20_000), "deep.html").text
    assert "甲县财政局2021年" in text


def test_past_its_time_budget_a_file_is_refused_with_the_setting_named():
    data = (ROOT / "samples" / "reports" / "huaian-2024.pdf").read_bytes()
    with time_budget(0.0), pytest.raises(OverBudgetError, match="GONGKAI_MAX_FILE_SECONDS"):
        load_bytes(data, "huaian-2024.pdf")
    assert "淮安" in load_bytes(data, "huaian-2024.pdf").text  # outside a budget nothing is checked


def test_a_slow_file_fails_alone_when_its_budget_runs_out(tmp_path, monkeypatch):
    from index.collection import Collection
    from index.settings import Settings

    monkeypatch.setenv("GONGKAI_MAX_FILE_SECONDS", "1.5")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-slow.pdf").write_bytes(pdf_pages(20, 250))  # every page under the cap: ~3 s a page
    (folder / "b-dongshan.txt").write_bytes(DONGSHAN.read_bytes())
    coll = Collection(Settings.from_env(tmp_path / "home"))
    t0 = time.perf_counter()
    results = {r.path.rsplit("/", 1)[-1]: r for r in coll.ingest([folder])}
    assert results["a-slow.pdf"].status == "failed" and "1.5 s" in results["a-slow.pdf"].error
    assert results["a-slow.pdf"].seconds < 10, "one page past the deadline at most"
    assert results["b-dongshan.txt"].status == "added"
    assert time.perf_counter() - t0 < 60


@pytest.mark.slow
def test_every_hostile_input_stays_within_30_seconds_and_1_gb():
    """The probe of the issue, each input in a process of its own (`gongkai bench hostile`)."""
    from measure.bench import hostile

    rows = hostile()
    assert len(rows) >= 9
    for row in rows:
        assert row["outcome"] in ("read", "refused"), row
        assert row["seconds"] <= 30 and row["peak_mb"] <= 1024, row
    by_name = {r["name"]: r for r in rows}
    assert by_name["html-100k-divs"]["outcome"] == "read"  # deep markup is read, not a crash
    assert "ambiguous" in by_name["t3-run-60-digits"]["detail"]  # past the segmentation budget: unread


def test_utf16_text_with_a_byte_order_mark_is_text():
    raw = DONGSHAN.read_text(encoding="utf-8")
    for codec in ("utf-16", "utf-16-be"):
        data = raw.encode(codec) if codec == "utf-16" else b"\xfe\xff" + raw.encode("utf-16-be")
        assert load_bytes(data, "dongshan.txt").text.strip() == raw.strip()


@pytest.mark.slow
def test_hostile_files_fail_alone_and_the_batch_lands(tmp_path):
    from index.collection import Collection
    from index.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-bomb.pdf").write_bytes(pdf_bomb())
    (folder / "b-bomb.docx").write_bytes(docx_bomb())
    (folder / "c-deep.html").write_bytes(deep_html(1500))
    (folder / "d-dongshan.txt").write_bytes(DONGSHAN.read_bytes())
    coll = Collection(Settings.from_env(tmp_path / "home"))
    results = {r.path.rsplit("/", 1)[-1]: r for r in coll.ingest([folder])}
    assert results["a-bomb.pdf"].status == "failed" and results["b-bomb.docx"].status == "failed"
    assert results["c-deep.html"].status == "added"  # a real (tiny) report, however deep its markup
    assert results["d-dongshan.txt"].status == "added"
    assert len(coll.reports()) == 2


def test_any_error_in_one_file_fails_that_file_only(tmp_path, monkeypatch):
    import index.collection as collection_module
    from index.collection import Collection
    from index.settings import Settings

    real = collection_module.parse_report

    def flaky(text, path, *args, **kwargs):
        if path.endswith("boom.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(collection_module, "parse_report", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "boom.txt").write_bytes(DONGSHAN.read_bytes().replace(b"2020", b"2019"))
    (folder / "dongshan.txt").write_bytes(DONGSHAN.read_bytes())
    coll = Collection(Settings.from_env(tmp_path / "home"))
    results = {r.path.rsplit("/", 1)[-1]: r for r in coll.ingest([folder])}
    assert results["boom.txt"].status == "failed" and "RecursionError" in results["boom.txt"].error
    assert results["dongshan.txt"].status == "added"


@pytest.fixture
def api(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from index.collection import Collection
    from index.settings import Settings
    from ui.api import create_app

    monkeypatch.setenv("GONGKAI_ADMIN_TOKEN", "s3cret")
    coll = Collection(Settings.from_env(tmp_path / "home"))
    return TestClient(create_app(coll, with_ui=False)), coll


def test_a_chunked_body_past_the_limit_gets_413_and_is_not_echoed(api):
    client, _ = api

    def body():
        for _ in range(100):  # 100 MB offered, sent without Content-Length
            yield b"x" * (1024 * 1024)

    r = client.post("/api/ask", content=body(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and len(r.content) < 200
    bad = client.post("/api/ask", json={"question": "问" * 5000})
    assert bad.status_code == 422 and "问问问" not in bad.text  # errors say what, not echo the input
    surrogate = client.post(
        "/api/ask", content=b'{"question": "\\ud800"}', headers={"content-type": "application/json"}
    )
    assert surrogate.status_code == 422
    chat = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x" * 60_000}]})
    assert chat.status_code == 422


def test_facts_need_a_filter(api):
    client, _ = api
    assert client.get("/api/facts").status_code == 422


def test_a_failed_upload_is_not_kept(api):
    client, coll = api
    auth = {"Authorization": "Bearer s3cret"}
    (bad,) = client.post("/api/reports", files={"files": ("x.txt", b"hello", "text/plain")}, headers=auth).json()
    assert bad["status"] == "failed"
    assert not list((coll.settings.home / "uploads").glob("*.txt"))


def test_report_markup_is_inert_in_the_openai_reply(tmp_path):
    from ui.api import inert

    text = inert("见![x](http://attacker.invalid/a.png)与[点此](http://evil.invalid)<img src=x onerror=alert(1)>")
    assert "![" not in text and "](" not in text and "<img" not in text


def test_compare_csv_cells_never_start_a_formula():
    from ui.chat import _csv_safe

    assert _csv_safe('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert _csv_safe("-1") == "'-1" and _csv_safe(12.0) == 12.0 and _csv_safe("东山县") == "东山县"


def test_links_inside_a_folder_are_not_followed_and_bidi_names_are_shown_safely(tmp_path):
    from ingest.loaders import expand_paths
    from ui.cli import printable

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.txt").write_text("x", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("x", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    assert [p.name for p in expand_paths([folder])] == ["real.txt"]
    assert "\u202e" not in printable("report\u202etxt.exe")
