"""Scanned pages: a page image made into text lines the table and section readers already read.

The engine (RapidOCR: PP-OCRv4 detection and recognition as ONNX files inside the
``rapidocr-onnxruntime`` wheel, no download) is the optional extra ``.[ocr]``. What this module
adds is layout. Boxes are grouped into row bands by vertical overlap and ordered left to right, so a
table row comes out as "label 3001 53 0 0 61 4 3119", the shape of a PDF's text layer, read by
the same row reader and checked by the same relations (勾稽关系). The relations are what catch a
misread digit: a table whose sums fail is marked, never trusted.

The figures of a table row are recognised a second time one by one, cut from the ink between
the row's label and the page edge: detection misses a lone thin "1" (a row then prints six
numbers for seven cells), recognition of the figure alone reads it (measured on the Huai'an
tables: 219/270 cells right with detection alone, 270/270 with the second reading).

Pure: a PIL image in, an :class:`OcrPage` out; rendering PDF pages and opening image files is
:mod:`ingest.loaders`' job.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

DPI = int(os.environ.get("GONGKAI_OCR_DPI", "200"))
OCR_DET_SIDE = 1400
# a page whose text layer has fewer characters than this, and that holds an image, is read by OCR
MIN_TEXT_CHARS = 20
A4_WIDTH_INCHES = 8.27
# a digit OCR may return as a letter, taken back only inside a run that is otherwise digits
_DIGIT_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
_LOOKALIKE = str.maketrans(_DIGIT_LOOKALIKES)
# in a figure cut from a table's ink, letters of other scripts too (Cyrillic Ze for 3, Cyrillic O for 0)
_FIGURE_LOOKALIKE = str.maketrans({**_DIGIT_LOOKALIKES, "З": "3", "О": "0"})
_NUMERIC_TOKEN = re.compile(r"(?<![A-Za-z])[0-9OoDlI|SB][0-9OoDlI|SB.,]*(?![A-Za-z])")
_NUMBER = re.compile(r"^[0-9OoDlI|SB.,，]+$")


def _is_figures(text: str) -> bool:
    """A box of figures: digits once full-width forms and look-alikes are taken back ("００２１０００",
    "１２０１０З" — a dense row merged into one box), nearly nothing else."""
    chars = unicodedata.normalize("NFKC", text).replace(" ", "").translate(_FIGURE_LOOKALIKE)
    return bool(chars) and (bool(_NUMBER.match(chars)) or sum(c.isdigit() for c in chars) >= 0.8 * len(chars))


INK = 160  # grey level under which a pixel is ink (rules are whitened first)


class OcrUnavailable(RuntimeError):
    """The OCR extra is not installed."""


@dataclass(frozen=True)
class Box:
    """One recognised text box: its bounds on the page image, its text and confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class OcrLine:
    """One line of a page as read: its text, and the confidence of each figure on it, in order
    (what a cell read from this line carries as its confidence)."""

    text: str
    figures: tuple[float, ...] = ()


@dataclass(frozen=True)
class OcrPage:
    """One page read by OCR: its lines, the skew taken out of it (degrees) and what it cost."""

    number: int
    lines: tuple[OcrLine, ...]
    seconds: float
    skew: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


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
        raise OcrUnavailable("the OCR extra is not installed (pip install -e '.[ocr]')") from exc
    # small isolated digits (the "0" of an empty-looking cell) are what the defaults miss: a lower box
    # threshold and a larger detection size find them (measured on the Huai'an tables: 110 → 140 boxes
    # a page); pages are deskewed here, so no direction classifier
    return RapidOCR(
        text_score=0.3, det_box_thresh=0.3, det_limit_side_len=OCR_DET_SIDE, use_cls=False, det_unclip_ratio=1.8
    )


def dpi_of(image, declared: float | None = None) -> float:
    """The resolution of a page image: as declared when plausible, else from its width taken as an A4
    page's (a phone photo or a fax carries no or a wrong dpi)."""
    if declared and 72 <= declared <= 600 and 5.5 <= image.width / declared <= 12:
        return float(declared)
    return max(72.0, image.width / A4_WIDTH_INCHES)


def normalise(image, dpi: float):
    """The page in grey at :data:`DPI` (a 600 dpi scan is four times the work for nothing), and the
    resolution it now has."""
    from PIL import Image

    grey = image.convert("L")
    if dpi > DPI * 1.15:
        scale = DPI / dpi
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS)
        dpi = DPI
    return grey, dpi


def skew_of(grey) -> float:
    """The angle (degrees) a scanned page leans by, found as the rotation that makes the rows of ink
    sharpest (the variance of the row sums is largest when lines of text and rules lie flat)."""
    import numpy as np
    from PIL import Image

    small = grey.resize((max(1, grey.width // 3), max(1, grey.height // 3)), Image.Resampling.BILINEAR)
    ink = Image.fromarray(((np.asarray(small) < INK) * 255).astype("uint8"))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)).sum(axis=1)
        return float(np.var(rows))

    best = max((a / 4 for a in range(-16, 17)), key=sharpness)  # ±4° by quarter degrees
    fine = max((best + a / 20 for a in range(-5, 6)), key=sharpness)
    return round(fine, 2)


def deskew(grey):
    """The page turned upright, and the angle it was turned by."""
    from PIL import Image

    angle = skew_of(grey)
    if abs(angle) < 0.2:  # below the estimate's own resolution on a downscaled page
        return grey, 0.0
    return grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255), angle


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


def without_rules(grey, dpi: float):
    """The page as an RGB array with a table's ruling lines whitened: a rule beside a "1" makes
    detection merge or drop it (measured: the lone 1s of the Huai'an T3 were found only once the
    rules were gone)."""
    import numpy as np

    page = np.asarray(grey).copy()
    dark = page < 225  # light grey rules too: a faint rule beside a "1" still hides it
    minimum = int(dpi * 0.4)  # a centimetre: longer than any glyph's stroke
    rules = _dark_runs(dark, minimum) | _dark_runs(dark.T, minimum).T
    page[rules] = 255
    return np.stack([page] * 3, axis=-1)


def fix_lookalikes(text: str) -> str:
    """Letters OCR returns for digits (O/D→0, l/I/|→1, S→5, B→8), corrected only inside a token that is
    mostly digits ("3O01" → "3001"); words and single letters stay as they are."""

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        digits = sum(ch.isdigit() for ch in token)
        return token.translate(_LOOKALIKE) if digits and digits >= len(token) - digits else token

    return _NUMERIC_TOKEN.sub(fix, text)


def bands(boxes: Iterable[Box]) -> list[list[Box]]:
    """Boxes grouped into lines, top to bottom, each left to right. A box joins the band whose core
    (the median top and bottom of its boxes, so a band does not grow) it overlaps most, by at least
    half the smaller height. A box much taller than a line (vertical text: a merged cell's label
    written top to bottom beside several rows) is a line of its own: joined to a band, it would
    pull the rows beside it into one line."""
    from statistics import median

    boxes = list(boxes)
    if not boxes:
        return []
    line = median(b.height for b in boxes)

    def vertical(box: Box) -> bool:
        return box.height > 2.2 * line and box.height > 1.5 * (box.x1 - box.x0)

    out: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        if vertical(box):
            out.append([box])
            continue
        best, overlap = None, 0.0
        for band in out:
            if vertical(band[0]):
                continue
            top, bottom = median(b.y0 for b in band), median(b.y1 for b in band)
            shared = min(bottom, box.y1) - max(box.y0, top)
            ratio = shared / (min(box.height, bottom - top) or 1.0)
            if ratio >= 0.5 and ratio > overlap:
                best, overlap = band, ratio
        if best is None:
            out.append([box])
        else:
            best.append(box)
    out.sort(key=lambda band: min(b.y0 for b in band))
    for band in out:
        band.sort(key=lambda b: b.x0)
    return out


def ink_runs(strip, limit: float) -> list[tuple[int, int]]:
    """The runs of inked columns of a strip (a boolean array, rows × columns), split where the blank
    gap is wider than ``limit`` pixels (the gap between two figures; digits of one figure are closer)."""
    import numpy as np

    inked = strip.any(axis=0).astype(np.int8)
    edges = np.diff(np.concatenate(([0], inked, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    runs: list[tuple[int, int]] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if runs and s - runs[-1][1] <= limit:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def _boxes(result) -> list[Box]:
    return [
        Box(min(p[0] for p in c), min(p[1] for p in c), max(p[0] for p in c), max(p[1] for p in c), str(t), float(f))
        for c, t, f in result or []
    ]


@dataclass(frozen=True)
class _Zone:
    """Where a table's figure columns lie on the page: left of ``x0`` are its row labels."""

    x0: int
    x1: int
    y0: int
    y1: int


def _figure_zones(found: list[list[Box]], width: int, height: int) -> list[_Zone]:
    """The figure columns of the page's tables, from the rows whose detection found three figures or
    more: rows stacked one under another, close or with their first figure at about the same place,
    are one table (T3 with its label column; T4, without labels, starts further left, under headings)."""
    from statistics import median

    rows = []
    for band in found:
        figures = [b for b in band if _is_figures(b.text)]
        if len(figures) >= 3:
            rows.append(figures)
    if not rows:
        return []
    line = median(b.height for row in rows for b in row)
    tables: list[list[list[Box]]] = []
    for row in rows:  # top to bottom
        first = row[0].x0
        if tables and (
            abs(first - median(r[0].x0 for r in tables[-1])) <= 5 * line
            # the next row of one table, whose first figure detection missed ("1" in a row of 0s); a
            # table's rows are at most a two-line label apart, tables a heading and a header
            or row[0].y0 - max(b.y1 for b in tables[-1][-1]) <= 4.5 * line  # a wrapped label between
        ):
            tables[-1].append(row)
        else:
            tables.append([row])
    zones = []
    for table in tables:
        zones.append(
            _Zone(
                max(0, int(min(r[0].x0 for r in table) - 0.5 * line)),
                min(width, int(max(b.x1 for r in table for b in r) + 1.5 * line)),
                max(0, int(min(b.y0 for r in table for b in r) - 1.5 * line)),
                min(height, int(max(b.y1 for r in table for b in r) + 1.5 * line)),
            )
        )
    return zones


def _ink_rows(ink, zone: _Zone, line: float) -> list[tuple[int, int]]:
    """The lines of ink inside a zone (rows of inked pixels, rules already whitened): each is a row of
    figures, found whether or not detection boxed its digits (a lone "1" often gets no box at all)."""
    import numpy as np

    inked = ink[zone.y0 : zone.y1, zone.x0 : zone.x1].any(axis=1).astype(np.int8)
    edges = np.diff(np.concatenate(([0], inked, [0])))
    runs: list[tuple[int, int]] = []
    for s, e in zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True):
        if runs and s - runs[-1][1] <= 0.15 * line:  # a gap inside a glyph ("二", "三")
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return [(zone.y0 + s, zone.y0 + e) for s, e in runs if e - s >= 0.3 * line]


def _in_zone(box: Box, zones: list[_Zone]) -> bool:
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    return any(z.x0 <= cx <= z.x1 and z.y0 <= cy <= z.y1 for z in zones)


def read_page(image, number: int = 1, declared_dpi: float | None = None) -> OcrPage:
    """One page image as text lines. Detection finds the words. The figures of a table are found in
    the ink instead: each line of ink in the table's figure columns is cut into figures at the gaps
    and each figure is recognised alone, because detection misses lone thin digits, and a row that
    loses one prints six numbers for seven cells (measured on the Huai'an T3: 219/270 cells with
    detection's figures, 270/270 from the ink). A row of figures joins the label line beside it, or
    stands as a line of its own between a wrapped label's two lines, as a PDF's text layer has it."""
    from statistics import median

    started = time.perf_counter()
    grey, dpi = normalise(image, dpi_of(image, declared_dpi))
    grey, skew = deskew(grey)
    page = without_rules(grey, dpi)
    ink = page[:, :, 0] < INK
    engine = _engine()
    result, _ = engine(page)
    boxes = _boxes(result)
    found = bands(boxes)
    zones = _figure_zones(found, ink.shape[1], ink.shape[0])
    line = median(b.height for b in boxes) if boxes else 0.0
    # (top, bottom, text, figure confidences) per line. Inside a zone, detection's figures are left
    # out (read again from the ink), and so is a lone character there: a "1" detected as "门"
    lines: list[tuple[float, float, str, list[float]]] = []
    for band in found:
        words = [b for b in band if not (_in_zone(b, zones) and (_is_figures(b.text) or len(b.text.strip()) == 1))]
        if words:
            text = " ".join(fix_lookalikes(b.text) for b in words)
            lines.append((min(b.y0 for b in words), max(b.y1 for b in words), text, []))
    crops, owners = [], []
    for zone in zones:
        for y0, y1 in _ink_rows(ink, zone, line):
            # figures apart by more than a third of a line's box (a digit's side bearings are less)
            cuts = ink_runs(ink[y0:y1, zone.x0 : zone.x1], 0.4 * max(line, y1 - y0))
            if not cuts:
                continue
            owners.append((y0, y1, len(crops), len(cuts)))
            crops.extend(page[max(0, y0 - 3) : y1 + 3, max(0, zone.x0 + s - 6) : zone.x0 + e + 6] for s, e in cuts)
    read = engine.text_rec(crops)[0] if crops else []
    for y0, y1, first, count in owners:
        figures, scores = [], []
        for text, score in read[first : first + count]:
            raw = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
            figure = raw.translate(_FIGURE_LOOKALIKE)
            # a row of headings in the zone ("维持 纠正") or a speck of a rule read as "Q" is no figure
            if any(ch.isdigit() for ch in raw) and _NUMBER.match(figure):
                figures.append(figure)
                scores.append(float(score))
        if not figures:
            continue
        owner = _label_line(lines, y0, y1)
        if owner is None:
            lines.append((float(y0), float(y1), " ".join(figures), scores))
        else:
            top, bottom, text, before = lines[owner]
            lines[owner] = (top, bottom, f"{text} {' '.join(figures)}", before + scores)
    lines.sort(key=lambda item: item[0])
    kept = tuple(OcrLine(text.strip(), tuple(scores)) for _, _, text, scores in lines if text.strip())
    return OcrPage(number, kept, time.perf_counter() - started, skew)


def _label_line(lines: list[tuple[float, float, str, list[float]]], y0: int, y1: int) -> int | None:
    """The line a row of figures belongs to: the one whose words overlap it by over half the row's
    height (the most, when two do); none when it lies between two lines (a wrapped label)."""
    best, overlap = None, 0.5 * (y1 - y0)
    for i, (top, bottom, _, figures) in enumerate(lines):
        shared = min(bottom, y1) - max(top, y0)
        if not figures and shared > overlap:  # a line holds one row of figures
            best, overlap = i, shared
    return best
