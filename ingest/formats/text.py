"""Plain text: the encoding found (a byte-order mark, the declared charset, else UTF-8 or GB18030) and
binary files refused."""

from __future__ import annotations

from ingest.formats import LoadError

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes, declared: str | None = None) -> str:
    if not data.strip():
        raise LoadError("empty file")
    for bom, codec in _BOMS:  # UTF-16/32 text has NUL bytes by design: its byte-order mark says so
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(f"not valid {codec.upper()} text") from exc
            if "\x00" in text:
                raise LoadError("binary file, not text")
            return text
    if b"\x00" in data:
        raise LoadError("binary file, not text")
    for enc in filter(None, (declared, "utf-8-sig")):
        try:
            return data.decode(_codec(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("cannot detect the text encoding")
    return str(best)


def _codec(name: str) -> str:
    # GB2312 and GBK pages routinely use characters only GB18030 (their superset) decodes.
    return "gb18030" if name.lower().replace("-", "") in ("gb2312", "gbk", "gb18030", "x-gbk") else name
