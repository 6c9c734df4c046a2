"""Documents the reader tests make: real files, built with fpdf2."""

from __future__ import annotations


def pdf_of(pages: list[str]) -> bytes:
    """A PDF with one page of plain text per item of ``pages``."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, page, align="L")
    return bytes(pdf.output())
