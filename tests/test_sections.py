import pytest

TOP = {
    "000_d76d4b4009bfe151.txt": [
        ("s1", "一、全镇政务公开总体情况"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、收到和处理政府信息公开申请情况"),
        ("s4", "四、政府信息公开行政复议、行政诉讼情况"),
        ("s5", "五、存在的主要问题及改进情况"),
        ("s6", "六、其他需要报告的事项"),
    ],
    "001_b722d12b70247cc9.txt": [
        ("s1", "一、基本情况"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、依申请公开政府信息及咨询受理情况"),
        ("", "四、政府信息公开收费及减免情况"),
        ("s4", "五、因政府信息公开申请行政复议、提起行政诉讼情况"),
        ("s5", "六、存在问题及2019年工作计划"),
    ],
    "002_57d10eb15bb2ae81.txt": [
        ("s1", "一、概述"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、依申请公开政府信息情况"),
        ("s4", "四、政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("", "五、政府信息公开机构人员"),
        ("s5", "六、政府信息公开工作存在的主要问题及改进措施"),
    ],
    "003_5c938f68f70698c0.txt": [
        ("s1", "一、政府信息公开概况"),
        ("s2", "二、政府信息主动公开情况"),
        ("", "三、信息公开工作未发生投诉情况"),
        ("s4", "四、行政复议、行政诉讼案件为零"),
        ("s5", "五、存在问题及下一步整改方向"),
    ],
    "004_1517837ce4499e82.txt": [
        ("s1", "一、总体情况"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、收到和处理政府信息公开申请情况"),
        ("s4", "四、政府信息公开行政复议、行政诉讼情况"),
        ("s5", "五、存在的主要问题及改进情况"),
        ("s6", "六、其他需要报告的事项"),
    ],
    "huaian-2024.pdf": [
        ("s1", "一、总体情况"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、收到和处理政府信息公开申请情况"),
        ("s4", "四、政府信息公开行政复议、行政诉讼情况"),
        ("s5", "五、存在的主要问题及改进情况"),
        ("s6", "六、其他需要报告的事项"),
    ],
}


@pytest.mark.parametrize("name", sorted(TOP))
def test_top_level_sections(parsed, name):
    got = [(s.sid, s.title) for s in parsed[name].sections if s.level == 1]
    assert got == TOP[name]


def test_t3_row_labels_that_reuse_ordinals_are_not_sections(parsed):
    for name in ("000_d76d4b4009bfe151.txt", "004_1517837ce4499e82.txt", "huaian-2024.pdf"):
        titles = " ".join(s.title for s in parsed[name].sections)
        assert "本年新收" not in titles and "结转下年度" not in titles and "予以公开" not in titles


def test_sub_sections_carry_their_path(parsed):
    subs = [s for s in parsed["004_1517837ce4499e82.txt"].sections if s.level == 2]
    assert [s.title for s in subs] == [
        "(一)主动公开情况",
        "(二)依申请公开情况",
        "(三)政府信息管理情况",
        "(四)平台建设情况",
        "(五)监督保障情况",
    ]
    assert subs[1].path == "一、总体情况 > (二)依申请公开情况"
    assert all(s.sid == "s1" for s in subs)


def test_sections_tile_the_text_without_overlap(parsed):
    for report in parsed.values():
        top = [s for s in report.sections if s.level <= 1]
        assert top[0].start == 0
        for a, b in zip(top, top[1:], strict=False):
            assert a.end == b.start
        assert top[-1].end == len(report.text)


def test_a_sub_heading_after_a_sentence_end_is_found_wherever_the_line_breaks(parsed):
    # 铜川镇 2017: "(二)改进措施" follows "…挑战。" on the same line as "(一)存在问题"; line breaks carry
    # no meaning (flattened pages have none), so it is a sub-heading like its sibling
    subs = [s.title for s in parsed["003_5c938f68f70698c0.txt"].sections if s.level == 2 and s.sid == "s5"]
    assert subs == ["(一)存在问题", "(二)改进措施"]


@pytest.mark.parametrize("name", ["000_d76d4b4009bfe151.txt", "004_1517837ce4499e82.txt", "huaian-2024.pdf"])
def test_a_report_on_one_line_has_the_same_sections(parsed, name):
    from ingest.pipeline import parse_report

    report = parsed[name]
    flat = parse_report(" ".join(report.text.split()), name)
    assert [(s.sid, s.title) for s in flat.sections if s.level == 1] == TOP[name]
