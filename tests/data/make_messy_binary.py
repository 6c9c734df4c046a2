"""Build the DOCX and PDF resumes of tests/data/messy from the text below, byte for byte the same every run.

    python tests/data/make_messy_binary.py

Needs python-docx (a dependency) and fpdf2 (a dev dependency). PDF text is set in
DejaVu Sans (for "–", "•", "→" and the "ﬁ" ligature); on Debian/Ubuntu it comes with
the fonts-dejavu-core package. Everyone in these resumes is invented: example.com
addresses, 555 phone numbers, made-up employers.

Determinism: DOCX zip entries get a fixed timestamp and the core properties fixed
dates; PDFs get a fixed creation date, which fpdf2 also hashes into the file /ID.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "messy"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = datetime(2024, 3, 1, 9, 0, 0, tzinfo=UTC)
ZIP_DATE = (2024, 3, 1, 9, 0, 0)
_LEFT: dict[str, Any] = {"align": "L", "new_x": "LMARGIN", "new_y": "NEXT"}  # fpdf2 justifies by default

# ---------------------------------------------------------------------------------------------
# DOCX 1: Heading styles, "List Bullet" paragraphs, a skills table (Table Grid, header row),
# contact details in the page header and a page footer.
# ---------------------------------------------------------------------------------------------
ACCOUNTANT_HEADER = "Priyanka Velasquez-Holm, CPA  ·  Phoenix, AZ  ·  priyanka.vh@example.com  ·  602-555-0170"
ACCOUNTANT_FOOTER = "Confidential – references available on request"
ACCOUNTANT = """\
# Priyanka Velasquez-Holm, CPA
Accounting Manager
## Summary
CPA with 10 years in industry accounting and two years in audit. I run a clean, fast close, build the models the CFO actually uses, and like turning manual reconciliations into something a system does overnight.
## Experience
### Accounting Manager — Saguaro Solar Holdings
Jan 2021 – Present · Phoenix, AZ
- Lead a team of 4 accountants; own the month-end close for 6 legal entities (close cut from 10 to 6 business days).
- Own revenue recognition under ASC 606 for long-term installation contracts ($140M annual revenue).
- Implemented BlackLine for account reconciliations; 480 reconciliations a month, 70% auto-certified.
- Partner with FP&A on the annual budget and monthly flash reports; built the cash-flow forecast in Excel and Power BI.
- Coordinate the annual audit and quarterly reviews with the external auditors; no adjustments in FY2023.
### Senior Accountant — Camelback Hospitality Group
Mar 2016 – Dec 2020 · Scottsdale, AZ
- General ledger, accruals, fixed assets and lease accounting (ASC 842 adoption for 38 hotel leases).
- Automated the intercompany reconciliation with Excel Power Query, saving 2 days every month.
- Prepared sales- and use-tax returns for 3 states.
### Audit Associate — Dunmore & Pike LLP
Sep 2013 – Feb 2016 · Tucson, AZ
- Audits of manufacturing, hospitality and non-profit clients; tested controls and revenue cycles.
## Skills
| Area | Details
| Accounting | US GAAP, ASC 606, ASC 842, month-end close, consolidations, account reconciliation, audit coordination
| Systems | NetSuite, BlackLine, QuickBooks, Concur, Power BI
| Excel | Power Query, pivot tables, XLOOKUP, INDEX/MATCH, basic VBA
## Education
B.S. Accountancy, Sonoran Desert University, 2009 – 2013 · Tempe, AZ
## Certifications
- Certified Public Accountant (CPA), Arizona, 2015
- BlackLine Certified Administrator, 2022
"""

# ---------------------------------------------------------------------------------------------
# DOCX 2: no Heading styles (bold Normal paragraphs whose bold runs are split mid-word), typed
# "•" bullets in Normal paragraphs, a skills table with a merged title row, and the contact
# details only in the page footer.
# ---------------------------------------------------------------------------------------------
RECRUITER_FOOTER = "Laila Brightwater-Nakamura · laila.bn@example.com · 480-555-0107 · Tempe, AZ · linkedin.com/in/lbn-example"

# ---------------------------------------------------------------------------------------------
# DOCX 3: the name as Heading 1, a two-cell layout table (skills and education on the left,
# experience on the right), "List Number" paragraphs, contact in the header.
# ---------------------------------------------------------------------------------------------
JAVA_HEADER = "arjun.ci@example.com | +1 555 018 2290 | Charlotte, NC | github.com/aci-example"
JAVA_LEFT = """\
## Skills
Java 17, Spring Boot, Spring Data JPA, Hibernate
REST, gRPC, Kafka
PostgreSQL, Oracle, Redis
Docker, Kubernetes, Jenkins, GitHub Actions
AWS (ECS, RDS, SQS, S3)
JUnit 5, Mockito, Testcontainers
## Education
B.S. Computer Science
Catawba Valley University, 2014
## Certifications
Oracle Certified Professional, Java SE 11 Developer
"""
JAVA_RIGHT = """\
## Experience
### Senior Java Developer — Queen City Bank Technology
2019 – Present · Charlotte, NC
- Build Spring Boot microservices for card disputes and chargebacks (1,200 requests per second at peak).
- Moved nightly batch settlement to Kafka consumers with exactly-once processing; the batch window shrank from 6 h to 45 min.
- Tuned PostgreSQL queries and indexes; p95 of the disputes API from 700 ms to 110 ms.
- Run the team's Docker and Kubernetes (EKS) deployments through Jenkins and later GitHub Actions.
### Java Developer — Piedmont Insurance Systems
2014 – 2019 · Greensboro, NC
- Developed REST services with Spring MVC and Hibernate on Oracle for policy administration.
- Wrote JUnit and Mockito tests; introduced Testcontainers for integration tests.
## Selected projects
1. Open-sourced an idempotency-key library for Spring (300 GitHub stars).
2. Led the Java 8 to Java 17 upgrade across 22 services.
"""

# ---------------------------------------------------------------------------------------------
# DOCX 4: Heading 2 sections under a Heading 1 name, bullets in "List Paragraph" style and by
# direct numbering on Normal paragraphs, a hyperlink, tabs before dates, contact details only in
# the first-page header (a different first page), a "Languages | ..." skills table.
# ---------------------------------------------------------------------------------------------
MARKETING_FIRST_HEADER = "oceane.ml@example.com · 555-0197 · Austin, TX · Portfolio: oceaneml.example.com"
MARKETING_HEADER = "Océane Mbatha-Lindholm — page 2"


# ---------------------------------------------------------------------------------------------
# PDF 1: single column, ALL CAPS section headings, "•" bullets, a skills line per group.
# ---------------------------------------------------------------------------------------------
SOFTWARE_ENGINEER = """\
# Tomasz Adebayo-Quist
Software Engineer (Backend) · Madison, WI · tomasz.aq@example.com · (555) 012-8870 · github.com/taq-example
## Summary
Backend engineer with 6 years of experience in Python and Java services for healthcare and logistics. I enjoy reliability work: migrations without downtime, good dashboards, quiet pagers.
## Experience
### Software Engineer II — Badger Health Records
Jun 2021 – Present · Madison, WI
- Build Python (FastAPI, asyncio) services for lab-result delivery to 300 clinics; 40 million messages a month.
- Designed the PostgreSQL schema for results routing; added partitioning and cut the largest query from 9 s to 300 ms.
- Introduced Kafka for lab-result events with retries, dead-letter topics and idempotent consumers.
- Moved services from VMs to Docker and Kubernetes; wrote the Terraform for our AWS accounts.
- On call one week in five; wrote 15 runbooks and led 6 post-incident reviews.
### Software Engineer — Lakeshore Logistics
Jul 2018 – May 2021 · Milwaukee, WI
- Java (Spring Boot) APIs for shipment tracking; Redis caching for carrier lookups.
- Built the CI/CD pipeline in GitHub Actions; deploy time from 50 to 12 minutes.
## Education
### B.S. Computer Sciences — University of the Northwoods
2014 – 2018 · Eau Claire, WI
## Skills
| Languages | Python, Java, SQL, Go (learning)
| Backend | FastAPI, asyncio, Spring Boot, REST, Kafka, Redis
| Data | PostgreSQL, MySQL
| Infrastructure | Docker, Kubernetes, Terraform, AWS (EC2, RDS, S3, SQS), GitHub Actions, Prometheus, Grafana
"""

# ---------------------------------------------------------------------------------------------
# PDF 2: two columns with fpdf2's text_columns (left column then right column in the text layer).
# ---------------------------------------------------------------------------------------------
ANALYST_HEAD = """\
# Keoni Alvarado-Strand
Healthcare Data Analyst · Honolulu, HI · keoni.as@example.com · 808-555-0121
"""
ANALYST_COLUMNS = """\
## Profile
Data analyst with 4 years in hospital operations and health insurance. SQL first, Python second, and a dashboard only when someone will open it every week.
## Experience
### Data Analyst — Kapiolani Coast Health
2021 – Present · Honolulu, HI
- Built Tableau dashboards for ED throughput and bed occupancy used by 20 nurse managers.
- Wrote SQL (CTEs, window functions) against the Snowflake warehouse; maintain 25 dbt models.
- Analysed a discharge-before-noon pilot; average length of stay fell 0.3 days.
- Ran an A/B test of appointment-reminder texts; no-shows down 9%.
### Junior Analyst — Aloha Mutual Insurance
2019 – 2021 · Honolulu, HI
- Claims reporting in Excel and Power BI; automated 12 monthly reports with Python (pandas).
## Skills
SQL, Python (pandas, NumPy, scikit-learn), Tableau, Power BI, Snowflake, dbt, Excel, A/B testing, regression, data visualization
## Education
B.S. Mathematics, University of the Pacific Islands, 2015 – 2019
## Languages
English, Hawaiian (conversational), Spanish (basic)
"""

# ---------------------------------------------------------------------------------------------
# PDF 3: a sidebar layout written in visual order, so the text layer interleaves the two columns
# line by line ("Salesforce   Account Executive — ...").
# ---------------------------------------------------------------------------------------------
SALES_SIDEBAR = """\
CONTACT
ines.kb@example.com
555-0153
Minneapolis, MN

SKILLS
Salesforce
HubSpot
Outreach
Gong
Sales Navigator
MEDDICC
Negotiation
Forecasting
Discovery

EDUCATION
B.A. Economics
Lake Country College
2016

AWARDS
President's Club 2022
"""
SALES_MAIN = """\
# Inès Kuznetsova-Bell
Account Executive, B2B SaaS
## Experience
### Account Executive — Northern Lakes Supply Chain Software
2020 – Present · Minneapolis, MN
- Closed $870K new ARR in 2023 (109% of quota) selling inventory-planning software to operations and supply-chain leaders.
- Ran multi-threaded deals with 5–9 stakeholders; largest $260K ACV with a regional grocery distributor.
- Forecast weekly in Salesforce; pipeline built with SDRs using Outreach and Sales Navigator.
### Sales Development Representative — Northern Lakes Supply Chain Software
2018 – 2020 · Minneapolis, MN
- 125% of meetings target over 8 quarters; promoted to AE.
### Customer Success Associate — Twin Cities Payroll
2016 – 2018 · St. Paul, MN
- Onboarded 150 small-business customers; renewal rate 94%.
"""

# ---------------------------------------------------------------------------------------------
# PDF 4: long bullets wrapped across lines with a hanging indent, "ﬁ"/"ﬂ" ligatures in the text
# layer, a "Page N of M" footer, two pages.
# ---------------------------------------------------------------------------------------------
MECH_ENGINEER = """\
# Gwendolyn Achterberg-Osei, P.E.
Senior Mechanical Engineer · Dayton, OH · gwen.ao@example.com · 937-555-0189
## Summary
Mechanical engineer with 11 years in HVAC equipment and aerospace ground-support equipment. I take products from concept through validation and launch, and I am happiest in the lab with a prototype and a data logger.
## Professional Experience
### Senior Mechanical Engineer — Great Miami Thermal Systems
2018 – Present · Dayton, OH
- Led the mechanical design of a 5-ton variable-speed rooftop unit from concept to production launch, coordinating a cross-functional team of 9 engineers across mechanical, electrical, controls and manufacturing, and delivered it three weeks ahead of the launch date.
- Ran CFD (ANSYS Fluent) and FEA (ANSYS Mechanical) studies on the condenser coil and fan shroud, which improved airﬂow uniformity by 18% and allowed a smaller fan motor that saved $46 per unit at 12,000 units a year.
- Wrote the design veriﬁcation plan and ran 1,400 hours of environmental, vibration and salt-fog testing in the company lab; closed every DVP&R item before the production part approval (PPAP) submission.
- Built a Python tool that reads SolidWorks BOM exports and checks them against the ERP item master, cutting engineering-change turnaround from 5 days to 1 and eliminating the most common source of line-side shortages.
- Mentor four engineers, run the monthly design-review board, and represent engineering in supplier quality meetings with the two main sheet-metal suppliers.
### Mechanical Engineer — Wright Field Ground Systems
2013 – 2018 · Fairborn, OH
- Designed welded steel frames, hydraulic lift mechanisms and guarding for aircraft ground-support equipment in SolidWorks, with hand calculations and FEA for every load-bearing part, and supported qualiﬁcation testing to MIL-STD-810.
- Performed root-cause investigations (8D, ﬁshbone, 5 Whys) on ﬁeld failures of a hydraulic cart; the redesign of the cylinder mount reduced warranty claims by 62% over the following two years.
- Created GD&T drawings to ASME Y14.5 and tolerance stack-ups for 150+ machined and fabricated parts, and worked with the machine shop to bring ﬁrst-pass yield on the main mast from 71% to 96%.
## Education
### M.S. Mechanical Engineering — Miami Valley Institute of Technology
2011 – 2013 · Dayton, OH
### B.S. Mechanical Engineering — Miami Valley Institute of Technology
2007 – 2011 · Dayton, OH
## Licenses and Skills
- Professional Engineer (P.E.), Ohio, 2017; Six Sigma Green Belt
- SolidWorks, ANSYS Mechanical, ANSYS Fluent, GD&T, DFMEA, DVP&R, PPAP, MATLAB, Python, Minitab
"""


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------
def blocks(source: str) -> list[tuple[str, str]]:
    """Mini-Markdown: "# " name, "## " section, "### " entry, "- " bullet, "| " table row, digits-dot a number, else text."""
    out = []
    for line in source.splitlines():
        for prefix, kind in (("### ", "h3"), ("## ", "h2"), ("# ", "h1"), ("- ", "bullet"), ("| ", "row")):
            if line.startswith(prefix):
                out.append((kind, line[len(prefix) :]))
                break
        else:
            head, _, rest = line.partition(". ")
            out.append(("number", rest) if head.isdigit() and rest else ("p", line))
    return out


def save_docx(document: Any, target: Path) -> None:
    """Save with fixed core-property dates and fixed zip timestamps, so the bytes never change."""
    properties = document.core_properties
    properties.author = "tailor test data"
    properties.last_modified_by = "tailor test data"
    properties.created = FIXED_DATE.replace(tzinfo=None)
    properties.modified = FIXED_DATE.replace(tzinfo=None)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            zipped.writestr(entry, source.read(info.filename))
    target.write_bytes(out.getvalue())


def _direct_numbering(paragraph: Any, num_id: int = 1) -> None:
    """Mark a Normal paragraph as a list item the way Word does when you click the bullet button."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), "0")
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), str(num_id))
    num_pr.append(level)
    num_pr.append(number)
    paragraph._p.get_or_add_pPr().append(num_pr)


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _docx_body(document: Any, source: str, *, name_style: str = "Title", shift: int = 0, container: Any = None) -> None:
    """Write mini-Markdown into ``container`` (the document or a table cell) with Word's own styles."""
    target = container if container is not None else document
    table = None
    for kind, text in blocks(source):
        if kind != "row":
            table = None
        if kind == "h1":
            if name_style == "Title":
                target.add_paragraph(text, style="Title")
            else:
                target.add_paragraph(text, style=name_style)
        elif kind in ("h2", "h3"):
            level = (1 if kind == "h2" else 2) + shift
            target.add_paragraph(text, style=f"Heading {level}")
        elif kind == "bullet":
            target.add_paragraph(text, style="List Bullet")
        elif kind == "number":
            target.add_paragraph(text, style="List Number")
        elif kind == "row":
            cells_text = text.split(" | ")
            if table is None:
                table = target.add_table(rows=0, cols=len(cells_text))
                table.style = document.styles["Table Grid"]
            cells = table.add_row().cells
            for cell, value in zip(cells, cells_text, strict=True):
                cell.text = value
        elif text:
            target.add_paragraph(text)


def write_docx_accountant(target: Path) -> None:
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = ACCOUNTANT_HEADER
    section.footer.paragraphs[0].text = ACCOUNTANT_FOOTER
    _docx_body(document, ACCOUNTANT)
    save_docx(document, target)


def _bold_split(paragraph: Any, *pieces: str, bold: bool = True) -> None:
    """One word over several runs, as Word leaves it after edits, spell-check and autocorrect."""
    for piece in pieces:
        run = paragraph.add_run(piece)
        run.bold = bold


def write_docx_recruiter(target: Path) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.footer.paragraphs[0].text = RECRUITER_FOOTER  # the only place the contact details are

    name = document.add_paragraph()
    for piece in ("Laila Bright", "water-Naka", "mura"):
        run = name.add_run(piece)
        run.bold = True
        run.font.size = Pt(20)
    document.add_paragraph("Senior Talent Acquisition Partner – healthcare and tech recruiting")

    def heading(*pieces: str) -> None:
        paragraph = document.add_paragraph()
        _bold_split(paragraph, *pieces)

    def role(title: tuple[str, ...], rest: str, dates: str) -> None:
        paragraph = document.add_paragraph()
        _bold_split(paragraph, *title)
        paragraph.add_run(rest)
        paragraph.add_run("\t" + dates)

    heading("PROFILE")
    document.add_paragraph(
        "Recruiter with 8 years of full-cycle recruiting for nursing, allied health and software roles. "
        "I build pipelines before the requisition opens and I keep hiring managers honest about what they need."
    )
    heading("PROFE", "SSIONAL EXPE", "RIENCE")
    role(("Senior Talent Acq", "uisition Partner"), " | Copperline Health, Tempe, AZ", "Mar 2020 – Present")
    for text in (
        "Own recruiting for 6 hospitals' nursing units: 260 RN hires a year, time-to-fill down from 58 to 39 days.",
        "Built the new-graduate RN residency pipeline with three nursing schools (120 residents a year).",
        "Run intake meetings, structured interviews and offer negotiations; offer acceptance 91%.",
        "Administer Workday Recruiting and the Greenhouse pilot for corporate roles; weekly funnel reports in Excel.",
    ):
        document.add_paragraph("•\t" + text)  # bullets typed by hand in Normal paragraphs
    role(("Tech", "nical Recruiter"), " | Mesa Byte Software, Mesa, AZ", "Jun 2016 – Feb 2020")
    for text in (
        "Hired 70 backend, data and DevOps engineers; sourced on LinkedIn Recruiter and GitHub.",
        "Launched the employee-referral programme (35% of engineering hires in 2019).",
    ):
        paragraph = document.add_paragraph(text)
        _direct_numbering(paragraph)  # a Word bullet on a Normal paragraph
    heading("EDU", "CATION")
    document.add_paragraph("B.A. Communication, Camelback State University, 2012 – 2016 · Tempe, AZ")

    table = document.add_table(rows=3, cols=2)
    table.style = document.styles["Table Grid"]
    title = table.cell(0, 0).merge(table.cell(0, 1))
    title.text = "SKILLS"
    rows = (
        ("Recruiting", "Full-cycle recruiting, sourcing, structured interviews, offer negotiation, employer branding"),
        ("Systems", "Workday Recruiting, Greenhouse, LinkedIn Recruiter, Excel, HireVue"),
    )
    for index, (label, value) in enumerate(rows, start=1):
        table.cell(index, 0).text = label
        table.cell(index, 1).text = value
    document.add_paragraph("Certifications: SHRM-CP (2021), AIRS Certified Diversity Recruiter (2019)")
    save_docx(document, target)


def write_docx_java(target: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = JAVA_HEADER
    document.add_paragraph("Arjun Castellanos-Iyer", style="Heading 1")
    document.add_paragraph("Senior Java Developer")
    layout = document.add_table(rows=1, cols=2)
    left, right = layout.rows[0].cells
    left.paragraphs[0].text = "Charlotte, NC"
    _docx_body(document, JAVA_LEFT, container=left, shift=1)
    _docx_body(document, JAVA_RIGHT, container=right, shift=1)
    save_docx(document, target)


def write_docx_marketing(target: Path) -> None:
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = MARKETING_FIRST_HEADER
    section.header.paragraphs[0].text = MARKETING_HEADER

    document.add_paragraph("Océane Mbatha-Lindholm", style="Heading 1")
    intro = document.add_paragraph("Content & Lifecycle Marketing Manager · ")
    _hyperlink(intro, "https://oceaneml.example.com", "oceaneml.example.com")

    document.add_paragraph("Experience", style="Heading 2")
    document.add_paragraph(
        "Content Marketing Manager, Lone Oak Learning (ed-tech)\tAustin, TX\t2021 – Present", style="Heading 3"
    )
    for text in (
        "Run the content programme (blog, webinars, email) that sources 35% of demo requests.",
        "Designed and analysed 20+ A/B tests on landing pages and nurture emails in HubSpot; demo-request rate up 23%.",
        "Built the content dashboard in Looker Studio from GA4 and HubSpot data.",
    ):
        document.add_paragraph(text, style="List Paragraph")  # no numbering: a list style with no bullet
    document.add_paragraph("Marketing Coordinator, Barton Springs Outfitters\tAustin, TX\t2018 – 2021", style="Heading 3")
    for text in (
        "Wrote product copy and seasonal campaigns for the online store; email revenue up 40%.",
        "Managed the Instagram account from 4,000 to 52,000 followers.",
    ):
        paragraph = document.add_paragraph(text)
        _direct_numbering(paragraph)

    document.add_paragraph("Skills", style="Heading 2")
    table = document.add_table(rows=0, cols=2)
    for label, value in (
        ("Marketing", "content strategy, SEO, email and lifecycle marketing, A/B testing, webinars"),
        ("Tools", "HubSpot, GA4, Looker Studio, Semrush, WordPress, Canva, Figma (basic)"),
        ("Languages", "English, French, isiZulu (conversational)"),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_paragraph("Education", style="Heading 2")
    document.add_paragraph("B.A. Journalism, Hill Country University, 2014 – 2018 · San Marcos, TX")
    save_docx(document, target)


def _pdf() -> Any:
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("tailor test data")
    pdf.set_creation_date(FIXED_DATE)
    return pdf


def _pdf_blocks(pdf: Any, source: str, *, width: float = 0, caps: bool = True) -> None:
    sizes = {"h1": 17, "h2": 12, "h3": 10.5}
    left = pdf.l_margin
    for kind, text in blocks(source):
        if kind in sizes:
            pdf.ln(2.5 if kind != "h1" else 0)
            pdf.set_font("DejaVu", "B", sizes[kind])
            pdf.multi_cell(width, sizes[kind] * 0.5, text.upper() if kind == "h2" and caps else text, **_LEFT)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", 9.5)
            pdf.cell(5, 5, "•")
            pdf.multi_cell(width - 5 if width else 0, 5, text, **_LEFT)  # wrapped lines hang under the text
        elif kind == "row":
            label, value = text.split(" | ", 1)
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.cell(30, 5, label)
            pdf.set_font("DejaVu", "", 9.5)
            pdf.multi_cell(width - 30 if width else 0, 5, value, **_LEFT)
        elif text:
            pdf.set_font("DejaVu", "", 9.5)
            pdf.multi_cell(width, 5, text, **_LEFT)
        pdf.set_x(left)


def write_pdf_single(target: Path) -> None:
    pdf = _pdf()
    pdf.add_page()
    _pdf_blocks(pdf, SOFTWARE_ENGINEER)
    pdf.output(str(target))


def write_pdf_columns(target: Path) -> None:
    pdf = _pdf()
    pdf.add_page()
    _pdf_blocks(pdf, ANALYST_HEAD)
    pdf.ln(3)
    with pdf.text_columns(ncols=2, gutter=9, text_align="LEFT") as columns:
        for kind, text in blocks(ANALYST_COLUMNS):
            if kind == "h2" and text == "Skills":
                columns.new_column()
            if kind in ("h2", "h3"):
                pdf.set_font("DejaVu", "B", 11 if kind == "h2" else 9.5)
                with columns.paragraph(top_margin=2 if kind == "h2" else 1) as paragraph:
                    paragraph.write(text.upper() if kind == "h2" else text)
            elif kind == "bullet":
                pdf.set_font("DejaVu", "", 9)
                with columns.paragraph(indent=4, bullet_string="•", bullet_r_margin=1.5) as paragraph:
                    paragraph.write(text)
            elif text:
                pdf.set_font("DejaVu", "", 9)
                with columns.paragraph() as paragraph:
                    paragraph.write(text)
    pdf.output(str(target))


def write_pdf_sidebar(target: Path) -> None:
    """Left and right columns drawn line by line at the same heights, as many resume builders do."""
    pdf = _pdf()
    pdf.add_page()
    left_x, left_w, right_x = 18.0, 48.0, 72.0
    right_w = pdf.w - pdf.r_margin - right_x
    right: list[tuple[str, float, str]] = []  # (style, size, one wrapped line)
    for kind, text in blocks(SALES_MAIN):
        style, size = {"h1": ("B", 16), "h2": ("B", 11.5), "h3": ("B", 9.5)}.get(kind, ("", 9.5))
        pdf.set_font("DejaVu", style, size)
        prefix = "• " if kind == "bullet" else ""
        shown = text.upper() if kind == "h2" else text
        for line in pdf.multi_cell(right_w, 5, prefix + shown, dry_run=True, output="LINES"):
            right.append((style, size, line))
    left = SALES_SIDEBAR.splitlines()
    y = pdf.t_margin
    for index in range(max(len(left), len(right))):
        if index < len(left) and left[index]:
            heading = left[index].isupper()
            pdf.set_font("DejaVu", "B" if heading else "", 9 if heading else 8.5)
            pdf.set_xy(left_x, y)
            pdf.cell(left_w, 5.5, left[index])
        if index < len(right):
            style, size, line = right[index]
            pdf.set_font("DejaVu", style, size)
            pdf.set_xy(right_x, y)
            pdf.cell(right_w, 5.5, line)
        y += 5.5
    pdf.output(str(target))


def write_pdf_wrapped(target: Path) -> None:
    from fpdf import FPDF

    class Paged(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"Gwendolyn Achterberg-Osei – Page {self.page_no()} of {{nb}}", align="C")

    pdf = Paged(format="Letter")
    pdf.set_margins(20, 16, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("tailor test data")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    # Big type and a narrow measure: every bullet wraps over three or four lines and the résumé runs to two pages.
    sizes = {"h1": 18, "h2": 13, "h3": 11.5}
    for kind, text in blocks(MECH_ENGINEER):
        if kind in sizes:
            pdf.ln(3 if kind != "h1" else 0)
            pdf.set_font("DejaVu", "B", sizes[kind])
            pdf.multi_cell(0, sizes[kind] * 0.5, text, **_LEFT)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", 11)
            pdf.cell(6, 6, "–")
            pdf.multi_cell(130, 6, text, **_LEFT)
        elif text:
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(0, 6, text, **_LEFT)
    pdf.output(str(target))


OUTPUTS = {
    "docx_accountant.docx": write_docx_accountant,
    "docx_recruiter_split_runs.docx": write_docx_recruiter,
    "docx_java_layout_table.docx": write_docx_java,
    "docx_marketing_first_page_header.docx": write_docx_marketing,
    "pdf_single_column_software_engineer.pdf": write_pdf_single,
    "pdf_two_column_data_analyst.pdf": write_pdf_columns,
    "pdf_sidebar_account_executive.pdf": write_pdf_sidebar,
    "pdf_wrapped_bullets_mech_engineer.pdf": write_pdf_wrapped,
}


def main() -> None:
    for name, write in OUTPUTS.items():
        path = HERE / name
        write(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        print(f"{path.relative_to(HERE.parents[2])}: {path.stat().st_size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
