"""Drafts made from the blank 2021 template (samples/templates/template-2021.docx) with invented figures,
for the draft-check tests: the figures are consistent unless a test changes one on purpose."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from ingest.schema import GEN_2021, t3_rows

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "samples" / "templates" / "template-2021.docx"
T3_ORDER = [r.id for r in t3_rows(GEN_2021) if r.is_data]  # the 25 printed rows, in the template's order
ISSUER = "平潭综合实验区交通与建设局"

# per row: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计 (relations 1–3 hold)
CLEAN_T3 = {
    "t3.new_received": [10, 3, 0, 0, 0, 0, 13],
    "t3.granted": [6, 2, 0, 0, 0, 0, 8],
    "t3.partially_granted": [2, 0, 0, 0, 0, 0, 2],
    "t3.denied.third_party_rights": [1, 0, 0, 0, 0, 0, 1],
    "t3.unable.not_held": [1, 0, 0, 0, 0, 0, 1],
    "t3.other.other_reason": [0, 1, 0, 0, 0, 0, 1],
    "t3.total_processed": [10, 3, 0, 0, 0, 0, 13],
}
CLEAN_T4 = [1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]  # review 1 upheld; direct 1 corrected; after review 0
# 表二: (row index in the template's table, values)
CLEAN_T2 = {2: [0, 0, 0], 3: [3, 1, 18], 6: [5], 9: [4], 10: [0], 13: [0]}
PERIOD = "本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
URL = "本报告电子版可在平潭综合实验区门户网站（www.pingtan.gov.cn）查阅或下载。"
CONTACT = "如对本报告有疑问，请与{issuer}办公室联系（电话：0591-12345678）。"
RECEIVED = "{y}年，我局共收到政府信息公开申请{n}件，均已在法定期限内予以答复。"


def draft(
    year: int = 2023,
    t3: dict[str, list[int]] | None = None,
    t4: list[int] | None = None,
    t2: dict[int, list[int]] | None = None,
    period: bool = True,
    url: bool = True,
    contact: bool = True,
    text_received: int | None = 13,
    signed: str | None = None,
    drop_t3_rows: tuple[str, ...] = (),
    replace: tuple[tuple[str, str], ...] = (),
    t3_row_after: tuple[str, str] | None = None,
    part_five_last: bool = False,
) -> bytes:
    """A filled-in copy of the template as .docx bytes; ``signed`` defaults to 20 January of the next year.
    ``t3_row_after`` (a, b): 表三's row a moved after row b; ``part_five_last``: 五 and its text after 六's."""
    d = docx.Document(str(TEMPLATE))
    d.paragraphs[1].text = f"{ISSUER}{year}年政府信息公开工作年度报告"
    intro = (
        (PERIOD.format(y=year) if period else "")
        + (URL if url else "")
        + (CONTACT.format(issuer=ISSUER) if contact else "")
    )
    d.paragraphs[4].text = intro + (RECEIVED.format(y=year, n=text_received) if text_received is not None else "")
    d.paragraphs[29].text = "政策解读形式还不够丰富。下一步将加强解读。"
    d.paragraphs[31].text = "本年度未收取信息处理费。"
    d.add_paragraph(ISSUER)
    d.add_paragraph(signed or f"{year + 1}年1月20日")
    t2_table, t3_table, t4_table = d.tables
    for index, values in (t2 or CLEAN_T2).items():
        for i, v in enumerate(values):
            t2_table.rows[index].cells[1 + i].text = str(v)
    rows = t3 if t3 is not None else CLEAN_T3
    unknown = set(rows) - set(T3_ORDER)
    if unknown:
        raise KeyError(f"not rows of the 2021 表三: {sorted(unknown)}")
    for row, rid in zip(list(t3_table.rows)[3:], T3_ORDER, strict=True):
        for i, v in enumerate(rows.get(rid, [0] * 7)):
            row.cells[3 + i].text = str(v)
    for i, v in enumerate(t4 or CLEAN_T4):
        t4_table.rows[3].cells[i].text = str(v)
    if t3_row_after is not None:
        rows_now = list(t3_table.rows)
        moved, anchor = (rows_now[3 + T3_ORDER.index(r)]._tr for r in t3_row_after)
        anchor.addnext(moved)
    if part_five_last:
        five, five_text, six_text = d.paragraphs[28]._p, d.paragraphs[29]._p, d.paragraphs[31]._p
        six_text.addnext(five)
        five.addnext(five_text)
    for rid in drop_t3_rows:
        tr = list(t3_table.rows)[3 + T3_ORDER.index(rid)]._tr
        tr.getparent().remove(tr)
    for old, new in replace:
        for table in d.tables:
            for row in table.rows:
                for cell in row.cells:
                    if old in cell.text:
                        cell.text = cell.text.replace(old, new)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
