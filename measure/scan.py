"""Scanned versions of a text-layer PDF, with the truth kept: the test data of the OCR path.

A real report PDF is rendered page by page to images (as a scanner or a "print to image" would),
optionally leaned by a few tenths of a degree and compressed as a poor JPEG, and wrapped as an
image-only PDF. Its text-layer version is the truth: :func:`compare` scores the cells the scan
yields against it. Nobody labels anything, and any text-layer PDF becomes a scan test.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ingest.model import AMBIGUOUS, MISSING, REPAIRED, VERIFIED, ParsedReport


def page_images(pdf: bytes, dpi: int = 200, angle: float = 0.0, jpeg_quality: int = 0) -> list:
    """The pages of ``pdf`` as greyscale PIL images at ``dpi``, turned ``angle`` degrees and passed
    through JPEG at ``jpeg_quality`` (0: not compressed)."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    out = []
    try:
        for page in doc:
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            if angle:
                image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            if jpeg_quality:
                buf = io.BytesIO()
                image.save(buf, "JPEG", quality=jpeg_quality)
                image = Image.open(io.BytesIO(buf.getvalue()))
                image.load()
            out.append(image)
    finally:
        doc.close()
    return out


def scan_pdf(pdf: bytes, dpi: int = 200, angle: float = 0.0, jpeg_quality: int = 0) -> bytes:
    """An image-only PDF of ``pdf``'s pages (no text layer left), as a scanned report arrives."""
    images = [i.convert("RGB") for i in page_images(pdf, dpi, angle, jpeg_quality)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


@dataclass
class CellComparison:
    """How the cells read from a scan compare with the text layer's."""

    cells: int = 0  # cells the text layer yields
    equal: int = 0  # the same value and status
    held: int = 0  # of the differing: ambiguous, with the text layer's value among their candidates
    # cells whose value differs: (cell id, truth, read, status read, table status read)
    differing: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.cells if self.cells else 0.0

    @property
    def agreeing(self) -> float:
        """Equal, or held as candidates with the truth among them (a relation fails, in the source or
        in the reading: the scan alone cannot tell which)."""
        return (self.equal + self.held) / self.cells if self.cells else 0.0

    @property
    def wrong_and_trusted(self) -> list[tuple[str, str, str, str, str]]:
        """Differing cells presented as read: a number in a table whose relations hold (verified or
        repaired). What must never happen: a misread digit has to break a relation."""
        return [d for d in self.differing if d[3] not in (AMBIGUOUS, MISSING) and d[4] in (VERIFIED, REPAIRED)]


def compare(truth: ParsedReport, read: ParsedReport) -> CellComparison:
    """Every cell of the text layer's tables against the scan's."""
    got = {c.id: (c, t.status) for t in read.tables for c in t.cells}
    out = CellComparison()
    for table in truth.tables:
        for cell in table.cells:
            out.cells += 1
            other, status = got.get(cell.id, (None, ""))
            if other is not None and other.value == cell.value and other.status == cell.status:
                out.equal += 1
                continue
            if other is not None and other.status == AMBIGUOUS and cell.value in other.candidates:
                out.held += 1
            out.differing.append(
                (
                    cell.id,
                    str(cell.value),
                    "absent" if other is None else str(other.value),
                    "absent" if other is None else other.status,
                    status,
                )
            )
    return out
