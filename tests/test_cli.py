"""The command line: ingest reports per file and keeps going past bad files; ask prints the API's JSON."""

import json

from conftest import DONGSHAN, YUEXI

from ui.cli import main


def test_ingest_reports_bad_files_and_keeps_the_rest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(YUEXI.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "not-a-report.txt").write_text("今天天气很好。", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    gbk = folder / "gbk.txt"
    gbk.write_bytes(DONGSHAN.read_text(encoding="utf-8").replace("\u00a0", " ").encode("gb18030"))
    code = main(["ingest", str(folder)])
    out = capsys.readouterr().out
    assert code == 1
    assert "6 files: 2 added, 0 unchanged, 4 failed" in out
    assert "catalog: names of 2 new bodies described" in out  # stored now, so no app server derives them
    assert (
        "empty file" in out
        and "binary file" in out
        and "not a government information disclosure report" in out
        and "PDF" in out
    )
    # the same files again: nothing changes, the failures are still reported
    assert main(["ingest", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "0 added, 2 unchanged, 4 failed" in out and "catalog:" not in out
    assert main(["reports"]) == 0
    out = capsys.readouterr().out
    assert "东山县人民政府办公室" in out and "2 reports" in out


def test_ask_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    assert main(["ingest", str(DONGSHAN)]) == 0
    capsys.readouterr()
    assert main(["ask", "东山县2020年收到多少政府信息公开申请？", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "answered" and {f["value"] for f in body["facts"]} == {"2", "3"}
    assert body["mode"] == "exact"
    assert main(["ask", "东山县2018年收到多少申请？"]) == 2


def test_facts_prints_the_grid_statuses_and_figures(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    assert main(["ingest", str(DONGSHAN)]) == 0
    capsys.readouterr()
    assert main(["facts", "东山县"]) == 0
    out = capsys.readouterr().out
    assert "表三 收到和处理政府信息公开申请情况 [2019] — ambiguous" in out
    assert "natural_person=?0|2" in out and "total=2*" in out
    assert "表四 政府信息公开行政复议、行政诉讼情况 [2019] — inconsistent" in out
    assert "! text says 3 where t3.new_received:total is 2" in out
    assert main(["facts", "东山县", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["issuer"] == "东山县人民政府办公室" and len(body["tables"]) == 3
    assert main(["facts", "不存在的单位"]) == 1


def test_generative_mode_without_a_model_is_a_clear_error(monkeypatch, capsys):
    import pytest

    monkeypatch.delenv("GONGKAI_LLM", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["ask", "东山县2020年收到多少政府信息公开申请？", "--mode", "generative"])
    assert stop.value.code == 2 and "set GONGKAI_LLM" in capsys.readouterr().err


def test_bench_ingest_of_a_folder_without_reports_says_so(tmp_path, monkeypatch):
    """A folder of links (not followed) or of nothing is named in the error, not a crash on empty timings."""
    import pytest

    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "d.txt").symlink_to(DONGSHAN)
    with pytest.raises(SystemExit, match="no report files in .*links"):
        main(["bench", "ingest", str(folder)])
    assert not (tmp_path / "home").exists()  # nothing opened, nothing made
