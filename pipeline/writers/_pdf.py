"""A resume typeset anew as a PDF by typst: one column, real text (selectable, ATS-readable).

The resume's text reaches typst only as JSON data (``sys.inputs``), turned into
content by the template with ``[#text]``: a string is never parsed as typst markup,
so "#", "$", "*" or "@" in a resume come out as written.
"""

from __future__ import annotations

import json

from tailor.pipeline.writers._layout import layout

_TEMPLATE = b"""
#let d = json(bytes(sys.inputs.data))
#set document(title: d.title)
#set page(paper: "us-letter", margin: (x: 0.7in, top: 0.6in, bottom: 0.6in))
#set text(font: ("Libertinus Serif", "New Computer Modern", "DejaVu Sans"), size: 10.5pt, lang: "en")
#set par(justify: false, leading: 0.5em, spacing: 0.55em)
#set list(indent: 0.6em, body-indent: 0.5em, spacing: 0.45em)
#align(center, text(size: 19pt, weight: "bold", d.name))
#for line in d.contact {
  align(center, text(size: 9.5pt, fill: rgb("#333333"), line))
}
#for b in d.blocks {
  if b.kind == "heading" {
    v(0.55em)
    block(below: 0.35em, text(size: 11pt, weight: "bold", tracking: 0.04em, upper(b.text)))
    line(length: 100%, stroke: 0.5pt + rgb("#888888"))
  } else if b.kind == "entry" {
    v(0.25em)
    text(weight: "bold", b.text)
  } else if b.kind == "bullet" {
    list(b.text)
  } else {
    par(b.text)
  }
}
"""


def to_pdf(text: str, *, markdown: bool, title: str = "") -> bytes:
    """The resume ``text`` as a PDF (Letter, 10.5 pt, one column); every word of it is in the text layer."""
    import typst

    page = layout(text, markdown=markdown)
    data = {
        "title": title or page.name or "Resume",
        "name": page.name,
        "contact": list(page.contact),
        "blocks": [{"kind": b.kind, "text": b.text} for b in page.blocks],
    }
    # A fixed timestamp: the same resume gives the same bytes (a batch's up-to-date check reads them).
    return bytes(typst.compile(_TEMPLATE, format="pdf", sys_inputs={"data": json.dumps(data)}, timestamp=0))
