"""Damage a clean report the way crawlers, PDF converters and OCR damage real ones, keeping the truth.

Real corpora arrive flattened onto one line, with table cells glued together (and glued to the
next row's ordinal), with uneven spacing inside a row, behind a crawler header and breadcrumbs,
hard-wrapped mid-label with page footers, and with OCR's look-alike characters in the prose. Each
damage here imitates one of those (issue "real reports", part 6, and §10 of the spec); the cells
of a synthetic report are known, so the parser can be scored on thousands of files nobody labels.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ingest.model import VERIFIED, ParsedReport

DAMAGES = (
    "one_line",
    "glued_cells",
    "uneven_spacing",
    "crawler_header",
    "breadcrumbs",
    "ocr_prose",
    "pdf_wraps",
    "page_footers",
)
_NUMBERS_ROW = re.compile(r"(?<=[\u4e00-\u9fff）)”\"])((?:[ \t]+-?\d+(?:\.\d+)?(?:万元)?)+)[ \t]*$", re.M)
_NUMBERS_ONLY = re.compile(r"^((?:-?\d+(?:\.\d+)?[ \t]*)+)$", re.M)
# look-alike pairs OCR confuses (applied to prose only: labels and numbers keep their characters)
_LOOKALIKES = {"己": "已", "未": "末", "人": "入", "土": "士", "日": "曰", "办": "力", "治": "冶", "戊": "戌"}


def _join_cells(cells: list[str], rng: random.Random, mode: str) -> str:
    if mode == "glued":
        return "".join(cells)
    out = cells[0]
    for c in cells[1:]:
        out += (" " * rng.randint(1, 2) if rng.random() < 0.4 else "") + c
    return out


def _rewrite_rows(text: str, rng: random.Random, mode: str) -> str:
    """Glue the numbers of each table row (all of them, or some with uneven spaces between)."""

    def row(m: re.Match) -> str:
        cells = m.group(1).split()
        if any("." in c or "-" in c or "万" in c for c in cells):
            return m.group(0)  # amounts and signed changes: left as printed (no relation decides them)
        return _join_cells(cells, rng, mode)

    text = _NUMBERS_ROW.sub(lambda m: row(m) if len(m.group(1).split()) > 1 else m.group(0), text)
    return _NUMBERS_ONLY.sub(lambda m: row(m) if len(m.group(1).split()) > 1 else m.group(0), text)


def _lines_to_cells(text: str) -> str:
    """One value per line ("lines" layout) becomes one row per line, so cells can be glued."""
    return re.sub(r"\n\n(?=-?\d)", " ", text)


def degrade(text: str, rng: random.Random, damages: tuple[str, ...] | None = None) -> tuple[str, list[str]]:
    """The text with a random (or given) set of damages, and the names of those applied."""
    chosen = list(damages) if damages is not None else [d for d in DAMAGES if rng.random() < 0.5]
    if "page_footers" in chosen and "one_line" in chosen:
        chosen.remove("page_footers")  # a flattened page has no page footers
    title, _, body = text.partition("\n")
    if "glued_cells" in chosen or "uneven_spacing" in chosen:
        body = _lines_to_cells(body.replace("\t", " "))
        body = _rewrite_rows(body, rng, "glued" if "glued_cells" in chosen else "uneven")
    if "ocr_prose" in chosen:
        body = _ocr_prose(body, rng)
    if "pdf_wraps" in chosen:
        body = _pdf_wraps(body, rng)
    if "page_footers" in chosen:
        lines = body.split("\n")
        page = 1
        for at in sorted(rng.sample(range(1, max(2, len(lines))), k=min(3, max(1, len(lines) - 1))), reverse=True):
            lines.insert(at, f"- {page} -")
            page += 1
        body = "\n".join(lines)
    if "one_line" in chosen:
        body = re.sub(r"\s*\n\s*", rng.choice([" ", ""]), body)
        body = re.sub(r"(?<=\d) (?=\d)", lambda m: m.group(0), body)
    if "breadcrumbs" in chosen:
        body = (
            f"当前位置： 首页政务公开政府信息公开政府信息公开年报 {title} 来源： 时间：2025-01-20 09:30 --> "
            f"微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： {body} 附件下载"
        )
        title = ""
    if "crawler_header" in chosen:
        header = f"标题: {text.partition(chr(10))[0]}\n发布时间: 2025-01-20 09:30\n文号: \n发布机构: \n"
        header += (
            "栏目: 政府信息公开年报\n原文链接: https://example.invalid/t20250120_1.htm\n"
            + "=" * 20
            + " 正文 "
            + "=" * 20
        )
        return header + "\n" + (title + "\n" if title else "") + body, chosen
    return (title + "\n" if title else "") + body, chosen


def _ocr_prose(body: str, rng: random.Random) -> str:
    """Look-alike characters in half the long prose paragraphs, three each (never in a line of figures)."""
    paras = body.split("\n")
    for i, p in enumerate(paras):
        if len(p) > 40 and not re.search(r"\d\s*$", p) and rng.random() < 0.5:
            chars = list(p)
            for j in rng.sample(range(len(chars)), k=min(3, len(chars))):
                chars[j] = _LOOKALIKES.get(chars[j], chars[j])
            paras[i] = "".join(chars)
    return "\n".join(paras)


def _pdf_wraps(body: str, rng: random.Random) -> str:
    """Lines wrapped every 16–28 characters as a PDF's text layer has them, never inside a number."""
    wrapped = []
    for line in body.split("\n"):
        while len(line) > 28 and "\t" not in line:
            cut = rng.randint(16, 28)
            if line[cut - 1].isdigit() and line[cut].isdigit():
                cut -= 1 if not line[cut - 2].isdigit() else 0
                if line[cut - 1].isdigit() and line[cut].isdigit():
                    break
            wrapped.append(line[:cut])
            line = line[cut:]
        wrapped.append(line)
    return "\n".join(wrapped)


@dataclass
class CellScore:
    """Parsed cells against the truth. A cell is right, ambiguous (truth among its candidates),
    unread (missing, or ambiguous without the truth), or wrong (a stated value that is not the truth)."""

    right: int = 0
    ambiguous: int = 0
    unread: int = 0
    wrong: int = 0
    wrong_in_verified: int = 0
    wrong_examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.ambiguous + self.unread + self.wrong

    def add(self, other: CellScore) -> None:
        self.right += other.right
        self.ambiguous += other.ambiguous
        self.unread += other.unread
        self.wrong += other.wrong
        self.wrong_in_verified += other.wrong_in_verified
        self.wrong_examples += other.wrong_examples[: max(0, 20 - len(self.wrong_examples))]


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def score(truth: dict[str, str], report: ParsedReport, tables: tuple[str, ...] = ("t2", "t3", "t4")) -> CellScore:
    cells = {f"{t.table}/{c.id}": (c, t.status) for t in report.tables for c in t.cells}
    out = CellScore()
    for key, want in truth.items():
        if key.split("/")[0] not in tables:
            continue
        got = cells.get(key)
        expected = _dec(want)
        if got is None:
            out.unread += 1
            continue
        cell, status = got
        if cell.value is not None:
            if cell.value == expected:
                out.right += 1
            else:
                out.wrong += 1
                out.wrong_in_verified += status == VERIFIED
                out.wrong_examples.append(f"{key}: {cell.value} ≠ {want}")
        elif cell.candidates and expected in cell.candidates:
            out.ambiguous += 1
        elif cell.status == "blank" and expected == 0:
            out.right += 1
        else:
            out.unread += 1
    return out
