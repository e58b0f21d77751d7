"""Scanned pages: text boxes from OCR made into lines the table and section readers already read.

The engine (RapidOCR: PP-OCRv4 detection and recognition as ONNX files inside the
``rapidocr-onnxruntime`` wheel, no download) is an optional extra, ``.[ocr]``. What this module
adds is layout: boxes are grouped into row bands by vertical overlap and ordered left to right, so a
table row comes out as "label 3001 53 0 0 61 4 3119" — the same shape as a PDF's text layer, read
by the same row reader and checked by the same relations (勾稽关系), which is what catches a
misread digit: a table whose sums fail is marked, never trusted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

DPI = int(os.environ.get("GONGKAI_OCR_DPI", "200"))
OCR_DET_SIDE = 1400
# a page whose text layer has fewer characters than this is read by OCR (a scan, or a scan with a stamp's text)
MIN_TEXT_CHARS = 20
# a digit OCR may return as a letter, taken back only inside a run that is otherwise digits
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
_NUMERIC_TOKEN = re.compile(r"(?<![A-Za-z])[0-9OoDlI|SB][0-9OoDlI|SB.,]*(?![A-Za-z])")


class OcrUnavailable(RuntimeError):
    """The OCR extra is not installed."""


@dataclass(frozen=True)
class Box:
    """One recognised text box: its corners' bounds on the page image, its text and confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable(
            "the page is a scan and the OCR extra is not installed (pip install -e '.[ocr]')"
        ) from exc
    # small isolated digits (the "0" of an empty-looking cell) are what the defaults miss: a lower box
    # threshold and a larger detection size find them (measured on the Huai'an tables: 110 → 140 boxes
    # a page, every 0 of 一、本年新收… found); pages are upright, so no direction classifier
    return RapidOCR(
        text_score=0.3, det_box_thresh=0.3, det_limit_side_len=OCR_DET_SIDE, use_cls=False, det_unclip_ratio=1.8
    )


def _dark_runs(dark, minimum: int):
    """Pixels on vertical runs of dark pixels at least ``minimum`` long (transpose for horizontal)."""
    import numpy as np

    out = np.zeros_like(dark)
    for x in np.where(dark.sum(axis=0) >= minimum)[0]:
        edges = np.diff(np.concatenate(([0], dark[:, x].astype(np.int8), [0])))
        for start, end in zip(np.where(edges == 1)[0], np.where(edges == -1)[0], strict=True):
            if end - start >= minimum:
                out[start:end, x] = True
    return out


def without_rules(image, dpi: int = DPI):
    """The page in grey with a table's ruling lines whitened: a rule beside a "1" makes detection merge
    or drop it (measured: the lone 1s of the Huai'an T3 were found only once the rules were gone)."""
    import numpy as np

    grey = np.asarray(image.convert("L")).copy()
    dark = grey < 225  # light grey rules too: a faint rule beside a "1" still hides it
    minimum = int(dpi * 0.4)  # a centimetre: longer than any glyph's stroke
    rules = _dark_runs(dark, minimum) | _dark_runs(dark.T, minimum).T
    grey[rules] = 255
    return np.stack([grey] * 3, axis=-1)


def recognise(image, dpi: int = DPI) -> list[Box]:
    """Text boxes of one page image (a PIL image)."""
    result, _ = _engine()(without_rules(image, dpi))
    boxes = []
    for corners, text, confidence in result or []:
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), str(text), float(confidence)))
    return boxes


def fix_lookalikes(text: str) -> str:
    """Letters OCR returns for digits (O/D→0, l/I/|→1, S→5, B→8), corrected only inside a token that is
    mostly digits ("3O01" → "3001"); words and single letters stay as they are."""

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        digits = sum(ch.isdigit() for ch in token)
        return token.translate(_LOOKALIKE) if digits and digits >= len(token) - digits else token

    return _NUMERIC_TOKEN.sub(fix, text)


def _bands(boxes: Iterable[Box]) -> list[list[Box]]:
    """Boxes grouped into lines: a box joins the band it overlaps most vertically (by at least half the
    smaller height); bands top to bottom, boxes left to right."""
    bands: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        best, overlap = None, 0.0
        for band in bands:
            top, bottom = min(b.y0 for b in band), max(b.y1 for b in band)
            shared = min(bottom, box.y1) - max(box.y0, top)
            ratio = shared / (min(box.height, bottom - top) or 1.0)
            if ratio >= 0.5 and ratio > overlap:
                best, overlap = band, ratio
        if best is None:
            bands.append([box])
        else:
            best.append(box)
    bands.sort(key=lambda band: min(b.y0 for b in band))
    for band in bands:
        band.sort(key=lambda b: b.x0)
    return bands


def lines_of(boxes: Iterable[Box]) -> list[str]:
    """Boxes as lines joined by spaces, as a PDF's text layer joins them (no tabs: OCR finds no box in an
    empty cell, so a grid's columns cannot be kept)."""
    return [" ".join(fix_lookalikes(b.text) for b in band) for band in _bands(boxes)]


_NUMBER = re.compile(r"^[0-9OoDlI|SB.,，]+$")


def _ink_runs(grey, x0: int, x1: int, y0: int, y1: int) -> list[tuple[int, int]]:
    """The runs of inked columns in a strip, split where the blank gap is wider than a third of its
    height (the gap between two figures of a table row; digits of one figure are closer)."""
    import numpy as np

    inked = (grey[y0:y1, x0:x1] < 160).any(axis=0)
    runs, start, last, gap = [], None, 0, 0
    for x in np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))) != 0):
        pass  # (the edges alone would do; the loop below is clearer and fast enough for a strip)
    limit = 0.35 * (y1 - y0)
    for x, on in enumerate(inked):
        if on:
            if start is None:
                start = x
            last, gap = x, 0
        elif start is not None:
            gap += 1
            if gap > limit:
                runs.append((x0 + start, x0 + last + 1))
                start = None
    if start is not None:
        runs.append((x0 + start, x0 + last + 1))
    return runs


def read_page(image, dpi: int = DPI) -> tuple[list[str], float]:
    """One page image as text lines and the mean confidence of what was read. Detection finds the
    words; the figures of a table row are read again one by one from the ink between the row's label
    and the page's edge, because detection misses a lone thin "1" (a row then prints 6 numbers for 7
    cells) while recognition of the figure alone reads it."""
    page = without_rules(image, dpi)
    grey = page[:, :, 0]
    engine = _engine()
    result, _ = engine(page)
    boxes = [
        Box(min(p[0] for p in c), min(p[1] for p in c), max(p[0] for p in c), max(p[1] for p in c), str(t), float(f))
        for c, t, f in result or []
    ]
    lines: list[tuple[str, list[int]]] = []
    crops, owners = [], []
    for band in _bands(boxes):
        numbers = [b for b in band if _NUMBER.match(b.text.replace(" ", ""))]
        words = [b for b in band if b not in numbers]
        if not numbers:
            lines.append((" ".join(fix_lookalikes(b.text) for b in band), []))
            continue
        y0 = max(0, int(min(b.y0 for b in band)) - 3)
        y1 = min(grey.shape[0], int(max(b.y1 for b in band)) + 3)
        before = [b.x1 for b in words if b.x1 <= numbers[0].x0 + 1]
        left = int(max(before)) + 4 if before else max(0, int(numbers[0].x0) - 6)
        after = [b.x0 for b in words if b.x0 >= numbers[-1].x1 - 1]  # words to the right of the figures end them
        right = int(min(after)) - 2 if after else grey.shape[1]
        lines.append((" ".join(fix_lookalikes(b.text) for b in words if b.x1 <= numbers[0].x0 + 1), []))
        for s, e in _ink_runs(grey, left, right, y0, y1):
            crops.append(page[y0:y1, max(0, s - 6) : e + 6])
            owners.append(len(lines) - 1)
        if after:
            lines.append((" ".join(fix_lookalikes(b.text) for b in words if b.x0 >= numbers[-1].x1 - 1), []))
    scores = [b.confidence for b in boxes]
    if crops:
        read, _ = engine.text_rec(crops)
        for owner, (text, score) in zip(owners, read, strict=True):
            figure = fix_lookalikes(str(text).replace(" ", ""))
            if any(ch.isdigit() for ch in figure):  # a speck of a rule read as "Q" is not a figure
                lines[owner][1].append(len(figure))
                lines[owner] = (lines[owner][0] + " " + figure, lines[owner][1])
                scores.append(float(score))
    text_lines = [line.strip() for line, _ in lines if line.strip()]
    return text_lines, (sum(scores) / len(scores) if scores else 0.0)


def page_text(image, dpi: int = DPI) -> tuple[str, float]:
    """One page image as text, and the mean confidence of what was read."""
    lines, confidence = read_page(image, dpi)
    return "\n".join(lines), confidence
