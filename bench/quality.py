"""Does tailoring keep the person's words and never lower the score? Over the samples and the messy corpus.

    python bench/quality.py [--length thorough|concise]

Every resume of sample_data/resumes and tests/data/messy against every sample job:
the tailored resume is written in its own format (PDF: typeset anew), read back
with the same reader, and compared word by word with the source. Prints the share
of outputs that keep every word (a rename's replaced word and a listed concise drop
excepted), the median and worst share of words lost, and the score change.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tailor.pipeline.app.output import render_output  # noqa: E402
from tailor.pipeline.readers import read_job, read_resume  # noqa: E402
from tailor.pipeline.tailoring import (  # noqa: E402
    RewriteOptions,
    analyse_job,
    load_taxonomy,
    parse_job,
    parse_resume,
    profile_resume,
    score_ats,
    set_targets,
    tailor_document,
)
from tailor.pipeline.tailoring.guard import word_counts  # noqa: E402
from tailor.pipeline.writers import format_of  # noqa: E402

SUFFIXES = (".md", ".txt", ".json", ".yaml", ".docx", ".pdf")


def resumes() -> list[Path]:
    folders = (ROOT / "sample_data" / "resumes", ROOT / "tests" / "data" / "messy")
    return sorted(p for folder in folders for p in folder.iterdir() if p.suffix in SUFFIXES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--length", choices=("thorough", "concise"), default="thorough")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    options = RewriteOptions(length=args.length)
    jobs = [analyse_job(parse_job(read_job(p)), taxonomy) for p in sorted((ROOT / "sample_data" / "jobs").iterdir())]
    losses: list[float] = []
    changes: list[float] = []
    fitting: list[float] = []  # score changes where the job fits the resume (score before >= 50)
    kept_all = edits = failures = 0
    formats: dict[str, int] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for path in resumes():
            doc = read_resume(path)
            source = parse_resume(doc)
            profile = profile_resume(source, taxonomy)
            fmt = format_of(path) or "md"
            for n, job in enumerate(jobs):
                before = score_ats(source, profile, job)
                try:
                    result = tailor_document(doc, source, profile, job, set_targets(before, profile, job, 80), before,
                                             options, taxonomy)
                    out = Path(folder) / f"{path.stem}.{n}{path.suffix}"
                    out.write_bytes(render_output(doc, result, fmt, str(path)))
                    again = read_resume(out).text
                except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure and goes on
                    failures += 1
                    print(f"FAILED {path.name} x job {n}: {type(exc).__name__}: {exc}")
                    continue
                excused = word_counts(" ".join(e.before for e in result.edits if e.kind in ("rename", "drop")))
                source_words = word_counts(doc.text)
                lost = source_words - excused - word_counts(again)
                share = sum(lost.values()) / max(1, sum(source_words.values()))
                losses.append(share)
                kept_all += not lost
                edits += len(result.edits)
                formats[fmt] = formats.get(fmt, 0) + 1
                assert result.score is not None
                changes.append(result.score.total - before.total)
                if before.total >= 50:
                    fitting.append(changes[-1])
    total = len(losses)
    print(f"{len(resumes())} resumes x {len(jobs)} jobs = {total + failures} outputs "
          f"({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))}); --length {args.length}; "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"  keep every word:        {kept_all}/{total} ({100 * kept_all / max(1, total):.1f}%)")
    print(f"  words lost, median:     {100 * statistics.median(losses):.2f}%   worst: {100 * max(losses):.2f}%")
    print(f"  score change, median:   {statistics.median(changes):+.2f}   min: {min(changes):+.2f}   "
          f"max: {max(changes):+.2f}   lower: {sum(1 for c in changes if c < 0)}")
    if fitting:
        print(f"  where the job fits (before >= 50, {len(fitting)} outputs): median {statistics.median(fitting):+.2f}, "
              f"min {min(fitting):+.2f}")
    print(f"  edits per output:       {edits / max(1, total):.1f}   failures: {failures}")


if __name__ == "__main__":
    main()
