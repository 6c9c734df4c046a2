"""Build the committed PDF and DOCX samples from the text below (run once; needs fpdf2, a dev dependency).

    python sample_data/make_binary_samples.py

Writes sample_data/resumes/registered_nurse.pdf and product_designer.docx,
and the binary bad inputs of tests/data/bad (scanned, encrypted and corrupt
PDFs, a corrupt DOCX). The PDF font is DejaVu Sans (for "–" and "•"); on
Debian/Ubuntu it comes with the fonts-dejavu-core package.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESUMES = ROOT / "sample_data" / "resumes"
BAD = ROOT / "tests" / "data" / "bad"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_LEFT = {"align": "L", "new_x": "LMARGIN", "new_y": "NEXT"}  # fpdf2 justifies by default

# Mini-Markdown: "# " name, "## " section, "### " entry, "- " bullet, "| a | b" table row, else a paragraph.
NURSE = """\
# Grace Adeyemi-Lindqvist, RN, BSN
Spokane, WA · grace.adeyemi.rn@example.com · (509) 555-0139 · Washington RN, multistate license
## Summary
Registered nurse with 6 years of acute-care experience on medical-surgical and telemetry units, including two years as relief charge nurse. Calm under pressure, strong on early recognition of deterioration, and known for thorough patient and family education. Experienced with Epic EHR, cardiac monitoring and post-operative care for orthopaedic, bariatric and general-surgery patients.
## Experience
### Registered Nurse, Medical/Surgical-Telemetry — Inland Northwest Medical Center
Jun 2020 – Present · Spokane, WA · 36-bed unit, nights
- Care for 5–6 adult medical-surgical and telemetry patients per shift, including post-op orthopaedic, bariatric and GI surgery patients.
- Relief charge nurse about one shift in four since 2022: make assignments, manage admissions and discharges, and support a team of 8 RNs and 3 CNAs.
- Interpret cardiac rhythms on continuous telemetry and escalate changes using SBAR; first responder for rapid responses on the unit.
- Administer IV medications, PCA pumps, blood products and TPN; manage wound vacs, JP drains and chest tubes.
- Preceptor for 7 new-graduate nurses; all completed orientation on schedule.
- Member of the unit practice council; co-led a falls-prevention project (hourly rounding, bed alarms) that reduced falls 35% in one year.
- Document assessments, care plans and education in Epic; super-user for the 2021 Epic upgrade.
### Registered Nurse, Step-Down Unit — Valley Regional Hospital
Aug 2018 – May 2020 · Yakima, WA
- Cared for 3–4 step-down patients with sepsis, COPD exacerbations, heart failure and post-PCI recovery.
- Titrated vasoactive and insulin drips per protocol; monitored arterial lines.
- Educated patients on heart-failure self-care; the unit's 30-day readmissions fell 12% after our teach-back programme.
### Certified Nursing Assistant — Sunrise Senior Living
2015-2018 · Yakima, WA (part-time during nursing school)
- Assisted residents with activities of daily living, vital signs and mobility.
## Education
### Bachelor of Science in Nursing (BSN) — Washington State University College of Nursing
2014-2018 · Spokane, WA · Dean's List, Sigma Theta Tau International Honor Society
## Licenses and Certifications
- Registered Nurse, Washington State (multistate compact license), active through 2026
- Basic Life Support (BLS), American Heart Association, exp. 2026
- Advanced Cardiovascular Life Support (ACLS), American Heart Association, exp. 2025
- Certified Medical-Surgical Registered Nurse (CMSRN), 2022
- NIH Stroke Scale certification, 2023
## Skills
| Clinical | Med/Surg, telemetry, cardiac monitoring, post-operative care, wound care, IV therapy, blood administration, sepsis protocols
| Systems | Epic EHR, Pyxis MedStation, Alaris pumps
| Leadership | charge nurse, preceptor, falls-prevention QI project, patient and family education
| Languages | English (native), Yoruba (conversational), Swedish (basic)
"""

DESIGNER = """\
# Sofia Brennan-Ikeda
Senior Product Designer · Lisbon, Portugal (remote) · sofia.bi@example.com · +351 555 010 177 · sofiabi.design (portfolio)
## Summary
Product designer with 7 years of experience, 4 of them on mobile apps used by millions. I lead features end to end, from research and problem framing to interaction design, prototypes and post-launch measurement. Recent work: a budgeting flow that lifted 30-day retention 9% and a cross-platform design system adopted by 14 squads.
## Experience
### Senior Product Designer — Moneybird Mobile (personal finance)
Feb 2021 – Present · Lisbon (remote)
- Lead designer for budgeting and savings goals in the iOS and Android apps (1.5M monthly users).
- Planned and ran 60+ user interviews and 25 usability tests; synthesised findings into journey maps and opportunity trees.
- Redesigned the budgeting onboarding flow: 30-day retention up 9%, support tickets about budgets down 40%.
- Built and govern the Figma design system (components, variants, auto layout, tokens) with two engineers; 14 squads use it.
- Ran accessibility audits against WCAG 2.1 AA and fixed 120 issues with engineering, including dynamic type and screen-reader labels.
- Defined success metrics with PMs and analysts; read A/B test results in Amplitude.
### Product Designer — Tripwise (travel booking)
Mar 2018 – Jan 2021 · Porto, Portugal
- Designed the mobile booking and check-in flows in Sketch, later Figma; conversion rose 6% after the checkout redesign.
- Prototyped interactions in ProtoPie and Principle for usability tests and stakeholder reviews.
- Worked daily with iOS and Android engineers; wrote interaction specs that followed the Human Interface Guidelines and Material Design.
- Introduced a monthly research readout that became the product team's main source of customer insight.
### UX/UI Designer — Studio Maré
2016-2018 · Lisbon
- Designed websites and apps for 20+ clients in retail, culture and tourism; built responsive prototypes in HTML/CSS.
## Education
### B.A. Communication Design — University of Lisbon, Faculty of Fine Arts
2012-2016
## Skills
- Design: interaction design, visual design, UX research, usability testing, information architecture, prototyping, design systems, accessibility (WCAG)
- Tools: Figma, FigJam, Sketch, ProtoPie, Principle, Adobe Illustrator, Amplitude, Maze, Dovetail
- Platforms: iOS, Android, responsive web; basic HTML/CSS
- Languages: English (fluent), Portuguese (native), Japanese (intermediate)
## Talks and Writing
- "Budgets people keep": designing for money anxiety, UX Lisbon 2023.
- Wrote a four-part case study series on accessible charts in finance apps, read by 12,000 designers on Medium.
"""


def blocks(source: str) -> list[tuple[str, str]]:
    out = []
    for line in source.splitlines():
        for prefix, kind in (("### ", "h3"), ("## ", "h2"), ("# ", "h1"), ("- ", "bullet"), ("| ", "row")):
            if line.startswith(prefix):
                out.append((kind, line[len(prefix) :]))
                break
        else:
            out.append(("p", line))
    return out


def write_docx(source: str, target: Path) -> None:
    import docx

    document = docx.Document()
    table = None
    for kind, text in blocks(source):
        if kind != "row":
            table = None
        if kind == "h1":
            document.add_paragraph(text, style="Title")
        elif kind in ("h2", "h3"):
            document.add_heading(text, level=1 if kind == "h2" else 2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "row":
            table = table or document.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            for cell, value in zip(cells, text.split(" | ", 1), strict=True):
                cell.text = value
        else:
            document.add_paragraph(text)
    document.core_properties.author = "tailor sample data"
    document.save(target)


def _pdf():
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("tailor sample data")
    pdf.add_page()
    return pdf


def write_pdf(source: str, target: Path) -> None:
    pdf = _pdf()
    sizes = {"h1": 17, "h2": 12.5, "h3": 10.5}
    for kind, text in blocks(source):
        if kind in sizes:
            pdf.ln(3 if kind != "h1" else 0)
            pdf.set_font("DejaVu", "B", sizes[kind])
            pdf.multi_cell(0, sizes[kind] * 0.5, text.upper() if kind == "h2" else text, **_LEFT)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", 9.5)
            pdf.cell(5, 5, "•")
            pdf.multi_cell(0, 5, text, **_LEFT)
        elif kind == "row":
            label, value = text.split(" | ", 1)
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.cell(28, 5, label)
            pdf.set_font("DejaVu", "", 9.5)
            pdf.multi_cell(0, 5, value, **_LEFT)
        else:
            pdf.set_font("DejaVu", "", 9.5)
            pdf.multi_cell(0, 5, text, **_LEFT)
    pdf.output(str(target))


def write_scanned_pdf(target: Path) -> None:
    """A page of shapes and no text layer: what a scan looks like to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    for row in range(12):
        pdf.rect(20, 30 + row * 12, 120 + (row * 37) % 50, 4, style="F")
    pdf.ellipse(150, 15, 30, 30)
    pdf.output(str(target))


def write_encrypted_pdf(target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    pdf = _pdf()
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, "Jane Example\nRegistered Nurse\nSkills: BLS, ACLS, Epic")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password="open-sesame", owner_password="owner-secret")  # RC4: no extra dependency
    with open(target, "wb") as handle:
        writer.write(handle)


def write_corrupt_files() -> None:
    # A PDF header and trailer around objects that do not resolve: no pages, no text.
    (BAD / "corrupt.pdf").write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n"
        b"xref\n0 2\nthis is not an xref table\ntrailer\n<< /Root 1 0 R /Size 2 >>\n%%EOF\n"
    )
    # The first kilobyte of a real DOCX: a zip whose central directory was cut off.
    buffer = io.BytesIO()
    write_docx("# Cut Off\n- A bullet", buffer)  # type: ignore[arg-type]
    (BAD / "corrupt.docx").write_bytes(buffer.getvalue()[:1024])
    # A valid zip that is not a Word document.
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("notes.txt", "not a word document")
    (BAD / "not_word.docx").write_bytes(zipped.getvalue())


def main() -> None:
    RESUMES.mkdir(parents=True, exist_ok=True)
    BAD.mkdir(parents=True, exist_ok=True)
    write_pdf(NURSE, RESUMES / "registered_nurse.pdf")
    write_docx(DESIGNER, RESUMES / "product_designer.docx")
    write_scanned_pdf(BAD / "scanned.pdf")
    write_encrypted_pdf(BAD / "encrypted.pdf")
    write_corrupt_files()
    for path in sorted([*RESUMES.glob("*.pdf"), *RESUMES.glob("*.docx"), *BAD.glob("*.pdf"), *BAD.glob("*.docx")]):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
