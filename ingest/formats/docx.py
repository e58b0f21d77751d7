"""Word (.docx): the body's paragraphs and tables streamed from its XML, compression bombs refused."""

from __future__ import annotations

import io

from ingest.budget import OverBudgetError, check
from ingest.formats import LoadError

MAX_INFLATED_MB = 64  # the XML of a real report is a few MB; more is a compression bomb


def _check_inflated_size(data: bytes) -> None:
    """Refuse a .docx whose parts would inflate past the cap, before anything is inflated."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            inflated = sum(i.file_size for i in z.infolist() if i.filename.endswith((".xml", ".rels")))
    except zipfile.BadZipFile as exc:
        raise LoadError("unreadable Word file (not a zip archive)") from exc
    if inflated > MAX_INFLATED_MB * 1024 * 1024:
        raise LoadError(f"Word file inflates to {inflated / 1048576:.0f} MB of XML (limit {MAX_INFLATED_MB} MB)")


MAX_DOCX_ELEMENTS = 2_000_000  # the 2021 template is 7,600 XML elements; a long report a few ten thousand

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_table(tbl) -> list[str]:
    """A body-level table as tab-separated rows: origin cells only (the lower parts of vertically
    merged cells have no cell of their own, so blank cells keep their position)."""
    rows = [""]
    for tr in tbl.iter(f"{_W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{_W}tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                continue
            text = "".join(t.text or "" for t in tc.iter(f"{_W}t"))
            cells.append(text.replace("\u3000", " ").strip())
        rows.append("\t".join(cells))
    rows.append("")
    return rows


def load_docx(data: bytes) -> str:
    """The body's paragraphs and tables, streamed: each block is read and then freed, so memory stays
    flat however many paragraphs a file has, and past MAX_DOCX_ELEMENTS elements the file is refused."""
    import zipfile

    from lxml import etree

    _check_inflated_size(data)
    out: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("word/document.xml") as xml:
            body_depth = 0
            depth = 0
            for count, (event, el) in enumerate(
                etree.iterparse(xml, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False)
            ):
                if count % 8192 == 0:
                    check()
                    if count > 2 * MAX_DOCX_ELEMENTS:
                        raise LoadError(f"Word file has more than {MAX_DOCX_ELEMENTS:,} XML elements")
                if event == "start":
                    depth += 1
                    if el.tag == f"{_W}body":
                        body_depth = depth
                    continue
                depth -= 1
                if not body_depth or depth != body_depth:
                    continue  # inside a block: read with the block at its end
                if el.tag == f"{_W}p":
                    out.append("".join(t.text or "" for t in el.iter(f"{_W}t")))
                elif el.tag == f"{_W}tbl":
                    out.extend(_docx_table(el))
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]  # the blocks already read
    except (LoadError, OverBudgetError):
        raise
    except KeyError as exc:
        raise LoadError("unreadable Word file (no word/document.xml)") from exc
    except Exception as exc:  # zip or XML errors
        raise LoadError(f"unreadable Word file ({type(exc).__name__})") from exc
    return "\n".join(out)
