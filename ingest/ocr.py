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
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
# letters of other scripts the recogniser returns for digits in a run of figures (Cyrillic Ze for 3, O for 0)
_FIGURE_LOOKALIKE = str.maketrans({**{k: v for k, v in zip("OoDlI|SB", "00011158", strict=True)}, "З": "3", "О": "0"})
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

    @property
    def confidence(self) -> float:
        """The lowest confidence of a figure on the page (1.0 for a page without figures)."""
        scores = [s for line in self.lines for s in line.figures]
        return min(scores) if scores else 1.0


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
        raise OcrUnavailable("the page is a scan and the OCR extra is not installed (pip install -e '.[ocr]')") from exc
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
    out: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        if box.height > 2.2 * line and box.height > 1.5 * (box.x1 - box.x0):
            out.append([box])
            continue
        best, overlap = None, 0.0
        for band in out:
            if len(band) == 1 and band[0].height > 2.2 * line and band[0].height > 1.5 * (band[0].x1 - band[0].x0):
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


def _figure_zone(found: list[list[Box]]) -> float:
    """Where a page's figure columns begin: the median left edge of the first figure of the rows that
    hold three figures or more (a table row); infinity on a page without such rows."""
    from statistics import median

    firsts = [
        min(b.x0 for b in numbers)
        for band in found
        if len(numbers := [b for b in band if _is_figures(b.text)]) >= 3
    ]
    return median(firsts) if len(firsts) >= 3 else float("inf")


def _misread_figure(box: Box, zone: float) -> bool:
    """A box of one or two characters inside the figure columns is a figure detection misread (a "1"
    read as "门"): its ink is recognised again with the row's figures. Labels start left of the zone."""
    return len(box.text.strip()) <= 2 and box.x0 >= zone - 1.5 * box.height


def read_page(image, number: int = 1, declared_dpi: float | None = None) -> OcrPage:
    """One page image as text lines. Detection finds the words; the figures of a table row are read
    again one by one from the ink between the row's label and the page's edge (or the next words)."""
    started = time.perf_counter()
    grey, dpi = normalise(image, dpi_of(image, declared_dpi))
    grey, skew = deskew(grey)
    page = without_rules(grey, dpi)
    ink = page[:, :, 0] < INK
    engine = _engine()
    result, _ = engine(page)
    lines: list[tuple[str, list[float]]] = []
    crops, owners = [], []
    found = bands(_boxes(result))
    zone = _figure_zone(found)
    for band in found:
        numbers = [b for b in band if _is_figures(b.text) or _misread_figure(b, zone)]
        if not numbers:
            lines.append((" ".join(fix_lookalikes(b.text) for b in band), []))
            continue
        words = [b for b in band if b not in numbers]
        y0 = max(0, int(min(b.y0 for b in band)) - 3)
        y1 = min(ink.shape[0], int(max(b.y1 for b in band)) + 3)
        before = [b for b in words if b.x1 <= numbers[0].x0 + 1]
        after = [b for b in words if b.x0 >= numbers[-1].x1 - 1]  # words right of the figures end them
        between = [b for b in words if b not in before and b not in after]
        left = int(max(b.x1 for b in before)) + 4 if before else max(0, int(numbers[0].x0) - 6)
        right = int(min(b.x0 for b in after)) - 2 if after else ink.shape[1]
        lines.append((" ".join(fix_lookalikes(b.text) for b in before + between), []))
        for s, e in ink_runs(ink[y0:y1, left:right], 0.35 * (y1 - y0)):
            crops.append(page[y0:y1, max(0, left + s - 6) : left + e + 6])
            owners.append(len(lines) - 1)
        if after:
            lines.append((" ".join(fix_lookalikes(b.text) for b in after), []))
    if crops:
        read, _ = engine.text_rec(crops)
        for owner, (text, score) in zip(owners, read, strict=True):
            raw = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
            figure = raw.translate(_FIGURE_LOOKALIKE)
            if any(ch.isdigit() for ch in raw):  # a speck of a rule read as "Q" or "o" is not a figure
                words, scores = lines[owner]
                lines[owner] = ((words + " " + figure).strip(), [*scores, float(score)])
    kept = tuple(OcrLine(text.strip(), tuple(scores)) for text, scores in lines if text.strip())
    return OcrPage(number, kept, time.perf_counter() - started, skew)
