"""A resume as one self-contained, print-friendly HTML page; every piece of its text escaped."""

from __future__ import annotations

import html

from tailor.pipeline.writers._layout import layout

_CSS = (
    "body{font:15px/1.5 Georgia,'Times New Roman',serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}"
    "h1{margin:0;font-size:1.9rem;text-align:center}.contact{text-align:center;color:#444;margin:.1rem 0}"
    "h2{font-size:1rem;text-transform:uppercase;letter-spacing:.06em;border-bottom:1px solid #999;"
    "padding-bottom:.15rem;margin:1.4rem 0 .4rem}h3{font-size:1rem;margin:.8rem 0 .1rem}"
    "ul{margin:.2rem 0;padding-left:1.2rem}li{margin:.1rem 0}p{margin:.2rem 0}"
    "@media print{body{margin:0;max-width:none}}"
)


def to_html(text: str, *, markdown: bool, title: str = "") -> str:
    """The resume ``text`` as an HTML page. Nothing from the text is markup: all of it is escaped."""
    page = layout(text, markdown=markdown)
    e = html.escape
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title or page.name or 'Resume')}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(page.name)}</h1>", *(f'<p class="contact">{e(line)}</p>' for line in page.contact)]
    in_list = False
    for block in page.blocks:
        if block.kind == "bullet" and not in_list:
            out.append("<ul>")
            in_list = True
        elif block.kind != "bullet" and in_list:
            out.append("</ul>")
            in_list = False
        tag = {"heading": "h2", "entry": "h3", "bullet": "li", "paragraph": "p"}[block.kind]
        out.append(f"<{tag}>{e(block.text)}</{tag}>")
    if in_list:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
