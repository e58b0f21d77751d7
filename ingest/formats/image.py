"""Page images (PNG, JPEG) and multi-page TIFFs, read by OCR page by page."""

from __future__ import annotations

import io
import warnings

from ingest.budget import OverBudgetError
from ingest.formats import LoadError
from ingest.formats.pages import join_pages, ocr_page
from ingest.ocr import OcrPage

MAX_IMAGE_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; past this an image is a bomb, not a page
MAX_IMAGE_PAGES = 200  # frames of one TIFF: a report is tens of pages


def load_image(data: bytes) -> tuple[str, tuple[OcrPage, ...]]:
    """A page image (PNG, JPEG) or a multi-page TIFF, read by OCR page by page (one page decoded at a
    time; each page's size checked from its header before its pixels are)."""
    from PIL import Image, ImageSequence

    too_big = LoadError(f"image larger than {MAX_IMAGE_PIXELS // 1_000_000} Mpx: not a page")
    read = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            total = getattr(image, "n_frames", 1)
            if total > MAX_IMAGE_PAGES:
                raise LoadError(f"more than {MAX_IMAGE_PAGES} pages in one image file")
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if frame.width * frame.height > MAX_IMAGE_PIXELS:
                    raise too_big
                declared = (frame.info.get("dpi") or (None,))[0]
                read.append(ocr_page(frame.copy(), number, float(declared) if declared else None, number, total, total))
    except (LoadError, OverBudgetError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_big from exc
    except Exception as exc:  # noqa: BLE001 - PIL raises many types on broken files
        raise LoadError(f"unreadable image ({type(exc).__name__})") from exc
    if not any(page.lines for page in read):
        raise LoadError("no text found in the image")
    return join_pages([p.text for p in read]), tuple(read)
