"""A fresh DOCX made from a resume's text (for a resume given in another format)."""

from __future__ import annotations

from tailor.pipeline.writers._docx_edit import stable_zip
from tailor.pipeline.writers._layout import layout


def to_docx(text: str, *, markdown: bool, title: str = "") -> bytes:
    """The resume ``text`` as a DOCX in Word's built-in styles: Title, Heading 1/2, List Bullet, Normal."""
    import docx

    page = layout(text, markdown=markdown)
    document = docx.Document()
    document.core_properties.title = title or page.name
    document.add_paragraph(page.name, style="Title")
    for line in page.contact:
        document.add_paragraph(line)
    styles = {"heading": "Heading 1", "entry": "Heading 2", "bullet": "List Bullet", "paragraph": None}
    for block in page.blocks:
        document.add_paragraph(block.text, style=styles[block.kind])
    return stable_zip(document)
