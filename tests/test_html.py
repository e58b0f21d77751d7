"""HTML reports: body found among site chrome, GBK decoded, grids with rowspan/colspan and Word span soup."""

from decimal import Decimal

import pytest

from ingest.loaders import load_bytes
from ingest.pipeline import parse_report

BLANK = None
T3_ROWS = [  # (label cells, 7 values) — numbers invented, consistent with every checking relation
    (['<td colspan="3">一、本年新收政府信息公开申请数量</td>'], [821, 35, BLANK, BLANK, 2, 1, 859]),
    (['<td colspan="3">二、上年结转政府信息公开申请数量</td>'], [18, BLANK, BLANK, BLANK, BLANK, BLANK, 18]),
    (
        ['<td rowspan="22">三、本年度办理结果</td>', '<td colspan="2">（一）予以公开</td>'],
        [258, 12, BLANK, BLANK, 1, 1, BLANK],
    ),
    (['<td colspan="2">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td>'], [3] + [BLANK] * 6),
    (['<td rowspan="8">（三）不予公开</td>', "<td>1.属于国家秘密</td>"], [BLANK] * 7),
    (["<td>2.其他法律行政法规禁止公开</td>"], [BLANK] * 7),
    (["<td>3.危及“三安全一稳定”</td>"], [2] + [BLANK] * 6),
    (["<td>4.保护第三方合法权益</td>"], [BLANK] * 7),
    (["<td>5.属于三类内部事务信息</td>"], [BLANK] * 7),
    (["<td>6.属于四类过程性信息</td>"], [BLANK] * 7),
    (["<td>7.属于行政执法案卷</td>"], [BLANK] * 7),
    (["<td>8.属于行政查询事项</td>"], [BLANK] * 7),
    (
        ['<td rowspan="3">（四）无法提供</td>', "<td>1.本机关不掌握相关政府信息</td>"],
        [400, 20, BLANK, BLANK, 1, BLANK, BLANK],
    ),
    (["<td>2.没有现成信息需要另行制作</td>"], [BLANK] * 7),
    (["<td>3.补正后申请内容仍不明确</td>"], [BLANK] * 7),
    (['<td rowspan="5">（五）不予处理</td>', "<td>1.信访举报投诉类申请</td>"], [50, 3] + [BLANK] * 5),
    (["<td>2.重复申请</td>"], [BLANK] * 7),
    (["<td>3.要求提供公开出版物</td>"], [BLANK] * 7),
    (["<td>4.无正当理由大量反复申请</td>"], [BLANK] * 7),
    (["<td>5.要求行政机关确认或重新出具已获取信息</td>"], [BLANK] * 7),
    (['<td colspan="2">（六）其他处理</td>'], [54] + [BLANK] * 6),
    (['<td colspan="2">（七）总计</td>'], [767, 35, BLANK, BLANK, 2, 1, 805]),
    (['<td colspan="3">四、结转下年度继续办理</td>'], [72, BLANK, BLANK, BLANK, BLANK, BLANK, 72]),
]
T3_IDS = [
    "t3.new_received",
    "t3.carried_over",
    "t3.granted",
    "t3.partially_granted",
    *[
        f"t3.denied.{x}"
        for x in (
            "state_secret",
            "law_prohibited",
            "security_stability",
            "third_party_rights",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "admin_query",
        )
    ],
    "t3.unable.not_held",
    "t3.unable.needs_creation",
    "t3.unable.unclear_after_correction",
    *[f"t3.not_processed.{x}" for x in ("complaint", "repeat", "publication", "mass_repeat", "confirm_existing")],
    "t3.other",
    "t3.total_processed",
    "t3.carried_forward",
]
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other", "total"]


def soup_cell(v) -> str:
    """A value cell the way Word pastes it: fonts, spans splitting digits, &nbsp; for blanks."""
    if v is None:
        return '<td><p class="MsoNormal"><span style="font-family:仿宋_GB2312">&nbsp;</span><o:p></o:p></p></td>'
    s = str(v)
    head, tail = s[: len(s) // 2], s[len(s) // 2 :]
    return f'<td><p><span style="font-family:仿宋_GB2312">{head}</span><font face="仿宋">{tail}</font></p></td>'


def page(t3_rows=T3_ROWS) -> str:
    t3 = "".join(f"<tr>{''.join(labels)}{''.join(soup_cell(v) for v in vals)}</tr>" for labels, vals in t3_rows)
    t4 = "".join(soup_cell(v) for v in [5, None, None, 2, 7, 8, None, None, 1, 9] + [None] * 5)
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>测试市人民政府办公厅2019年政府信息公开工作年度报告</title><script>var x = "<td>999</td>";</script></head>
<body><div class="nav">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="title"><h1>测试市人民政府办公厅2019年政府信息公开工作年度报告</h1><span>发布日期：2020-01-31</span></div>
<div id="zoom">
<p>本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自2019年1月1日至2019年12月31日。</p>
<p><!--[if !supportLists]-->一、<!--[endif]-->总体情况</p><p>2019年，全年共受理政府信息公开申请859件。</p>
<p>二、主动公开政府信息情况</p>
<table border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新<br/>制作数量</td><td>本年新<br/>公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td>{soup_cell(13)}{soup_cell(13)}{soup_cell(524)}</tr>
<tr><td>规范性文件</td>{soup_cell(60)}{soup_cell(60)}{soup_cell(368)}</tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="2">上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td colspan="2">行政许可</td><td>0</td><td>-3</td><td>0</td></tr>
<tr><td colspan="2">其他对外管理服务事项</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政处罚</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政强制</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td></tr>
<tr><td>行政事业性收费</td><td>0</td><td colspan="2">0</td></tr>
<tr><td colspan="4">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>
<tr><td>政府集中采购</td><td>6</td><td colspan="2">251000元</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>{t3}</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td><td rowspan="2">总计</td>
<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>{"".join(f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)}</tr>
<tr>{t4}</tr></table>
<p>五、存在的主要问题及改进情况</p><p>一是队伍建设有待加强。</p>
<p>六、其他需要报告的事项</p><p>无。</p>
</div>
<div class="footer">主办单位：测试市人民政府办公厅 扫一扫在手机打开当前页</div></body></html>"""


@pytest.fixture(scope="module")
def report():
    data = page().encode("gb18030")
    loaded = load_bytes(data, "report.html")
    return parse_report(loaded.text, "report.html", loaded.format, loaded.content)


def test_gbk_page_is_decoded_and_its_body_found(report):
    m = report.meta
    assert m.issuer == "测试市人民政府办公厅" and m.report_year == 2019 and m.generation == "2019"
    assert m.published.isoformat() == "2020-01-31"
    assert "当前位置" not in report.text and "主办单位" not in report.text and "999" not in report.text
    assert "supportLists" not in report.text
    assert [s.sid for s in report.sections if s.level == 1] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_t3_grid_keeps_blanks_in_place_and_derives_blank_totals(report):
    t3 = next(t for t in report.tables if t.table == "t3")
    for rid, (_, vals) in zip(T3_IDS, T3_ROWS, strict=True):
        for col, v in zip(COLS, vals, strict=True):
            cell = t3.cell(f"{rid}:{col}")
            if v is None and col == "total" and any(x for x in vals[:6]):
                assert cell.status == "number" and cell.method == "derived", cell.id
                assert cell.value == sum(x or 0 for x in vals[:6]), cell.id
            elif v is None:
                assert (cell.status, cell.value) == ("blank", None), cell.id
            else:
                assert (cell.status, cell.value) == ("number", Decimal(v)), cell.id
    assert t3.cell("t3.new_received:natural_person").raw == "821"  # "8</span><font>21" rejoined
    assert t3.status == "repaired"
    assert any("总计 blank" in r for r in t3.reasons)


def test_t2_grid_with_data_spans_that_differ_from_the_header(report):
    t2 = next(t for t in report.tables if t.table == "t2")
    assert [t2.cell(f"t2.rules:{c}").value for c in ("new_made", "new_published", "total_published")] == [13, 13, 524]
    assert [t2.cell(f"t2.normative_docs:{c}").value for c in ("new_made", "new_published", "total_published")] == [
        60,
        60,
        368,
    ]
    assert t2.cell("t2.licensing:change").value == -3
    amount = t2.cell("t2.procurement:amount")
    assert (amount.value, amount.unit) == (251000, "元")
    assert t2.cell("t2.procurement:projects").value == 6


def test_t4_grid(report):
    t4 = next(t for t in report.tables if t.table == "t4")
    assert t4.cell("t4.review:upheld").value == 5 and t4.cell("t4.review:corrected").status == "blank"
    assert t4.cell("t4.review:total").value == 7 and t4.cell("t4.litigation_direct:total").value == 9
    assert t4.cell("t4.litigation_after_review:total").status == "blank"
    assert t4.cell("t4.litigation:total").value == 9  # derived, blanks as 0
    assert t4.status == "verified"


def test_cell_offsets_cite_the_value(report):
    t3 = next(t for t in report.tables if t.table == "t3")
    c = t3.cell("t3.total_processed:total")
    assert report.text[c.start : c.end] == "805"
