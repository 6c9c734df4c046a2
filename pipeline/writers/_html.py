"""A resume as one self-contained, print-friendly HTML page.

Markdown resumes keep their inline markup: ``**bold**``, ``*emphasis*``, ``code`` and
``[links](https://…)`` are rendered by markdown-it-py with raw HTML off (a ``<script>`` in the
resume is text) and its link check on (no ``javascript:`` links). Everything else is escaped.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from tailor.pipeline.writers._layout import layout

_CSS = (
    "body{font:15px/1.5 Georgia,'Times New Roman',serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}"
    "h1{margin:0;font-size:1.9rem;text-align:center}.contact{text-align:center;color:#444;margin:.1rem 0}"
    "h2{font-size:1rem;text-transform:uppercase;letter-spacing:.06em;border-bottom:1px solid #999;"
    "padding-bottom:.15rem;margin:1.4rem 0 .4rem}h3{font-size:1rem;margin:.8rem 0 .1rem}"
    "ul{margin:.2rem 0;padding-left:1.2rem}li{margin:.1rem 0}p{margin:.2rem 0}a{color:#1d4f91}"
    "code{font:inherit}@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}"
)


@functools.cache
def _inline() -> Any:
    """markdown-it-py for inline Markdown only: no raw HTML, links checked (built once)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def _cell(text: str, markup: str, markdown: bool) -> str:
    if not markdown or not markup:
        return html.escape(text)
    return str(_inline().renderInline(markup)).strip()


def to_html(text: str, *, markdown: bool, title: str = "") -> str:
    """The resume ``text`` as an HTML page. Nothing from the text becomes markup but Markdown's inline forms."""
    page = layout(text, markdown=markdown)
    e = html.escape
    contact = page.contact_markup or page.contact
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(page.name or title or 'Resume')}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_cell(page.name, page.name_markup, markdown)}</h1>",
           *(f'<p class="contact">{_cell(plain_line, line, markdown)}</p>' for plain_line, line in zip(page.contact, contact, strict=True))]
    in_list = False
    for block in page.blocks:
        if block.kind == "bullet" and not in_list:
            out.append("<ul>")
            in_list = True
        elif block.kind != "bullet" and in_list:
            out.append("</ul>")
            in_list = False
        tag = {"heading": "h2", "entry": "h3", "bullet": "li", "paragraph": "p"}[block.kind]
        out.append(f"<{tag}>{_cell(block.text, block.markup, markdown)}</{tag}>")
    if in_list:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
