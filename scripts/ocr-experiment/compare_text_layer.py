import time, sys
import pypdfium2 as pdfium
from ingest.ocr import page_text
from ingest.loaders import load, PAGE_BREAK, _PAGE_FOOTER
from ingest.pipeline import parse_report
src = sys.argv[1]
pdf = pdfium.PdfDocument(src)
pages=[]; t=time.time()
for i in range(len(pdf)):
    img = pdf[i].render(scale=200/72).to_pil()
    text, conf = page_text(img)
    pages.append(_PAGE_FOOTER.sub("", text))
print("ocr s", round(time.time()-t,1))
ocr_text = (PAGE_BREAK + "\n").join(p + "\n" for p in pages)
open("/tmp/w/ocr.txt","w").write(ocr_text)
a = parse_report(load(src).text, src, "pdf")
b = parse_report(ocr_text, src, "pdf")
print(a.meta.issuer, a.meta.report_year, "|", b.meta.issuer, b.meta.report_year)
ca = {c.id: c for t in a.tables for c in t.cells}
cb = {c.id: c for t in b.tables for c in t.cells}
print({t.table: t.status for t in a.tables}, {t.table: t.status for t in b.tables})
same = sum(1 for k,c in ca.items() if k in cb and cb[k].value == c.value)
print("cells", len(ca), "same", same, "ocr cells", len(cb))
for k,c in ca.items():
    o = cb.get(k)
    if o is None or o.value != c.value:
        print(" ", k, c.value, "->", None if o is None else (o.value, o.status, o.candidates[:3]))
print("discrepancies", [(d.cell, d.table_value, d.text_value) for d in b.discrepancies])
