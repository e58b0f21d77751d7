"""Section chunks: never across a section, long sections split at sentence ends, headings kept."""

from index.chunking import MAX_CHARS, chunk_report


def test_chunks_stay_inside_their_section(parsed):
    for report in parsed.values():
        chunks = chunk_report(report)
        assert chunks
        for c in chunks:
            inside = [s for s in report.sections if s.start <= c.start and c.end <= s.end and s.path == c.section_path]
            assert inside, (c.section_path, c.start, c.end)
            assert report.text[c.start : c.end].strip() == c.text


def test_long_sections_split_at_sentence_ends(parsed):
    report = parsed["001_b722d12b70247cc9.txt"]
    for c in chunk_report(report):
        if len(c.text) > MAX_CHARS:
            # only a single over-long sentence may exceed the limit
            assert c.text.count("。") <= 1, c.text[:80]
    # a cut inside a section falls right after a sentence end or at a paragraph break
    chunks = chunk_report(report)
    for a, b in zip(chunks, chunks[1:], strict=False):
        if a.section_path == b.section_path:
            before = report.text[: b.start]
            assert before.rstrip()[-1] in "。！？；;" or before.endswith("\n\n"), b.text[:40]


def test_embedded_text_carries_issuer_year_and_section(parsed):
    report = parsed["004_1517837ce4499e82.txt"]
    c = next(c for c in chunk_report(report) if "共受理县政府和县政府办" in c.text)
    assert c.embed_text.startswith("东山县人民政府办公室 2020年")
    assert "一、总体情况 > (二)依申请公开情况" in c.embed_text
    assert c.sid == "s1"


def test_a_heading_alone_is_not_a_chunk(parsed):
    for report in parsed.values():
        titles = {s.title for s in report.sections}
        assert not any(c.text in titles for c in chunk_report(report))
