"""Discovery, naming and the one-pass up-to-date scan: no pipeline needed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from tailor.pipeline.batch import (
    MANIFEST_NAME,
    Namer,
    OutputIndex,
    SkipNote,
    count_resumes,
    safe_part,
    walk_resumes,
)


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_walk_is_recursive_sorted_per_folder_and_skips_what_is_not_a_resume(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in ["b.md", "a.txt", "team/z.json", "team/c.pdf", "team/deep/y.docx", "c.yaml"]:
        touch(root / rel)
    for rel in ["photo.png", ".hidden.md", "a.tailored.md", "notes", ".git/x.md", "team/readme.rtf"]:
        touch(root / rel)
    note = SkipNote()
    walk = walk_resumes(root, note)
    assert isinstance(walk, Iterator)  # a generator, not a list built up front
    found = [f.rel for f in walk]
    assert found == ["a.txt", "b.md", "c.yaml", "team/c.pdf", "team/z.json", "team/deep/y.docx"]
    # Hidden folders are not entered; the files passed over are counted and named.
    assert note.count == 5
    assert set(note.examples) == {".hidden.md", "a.tailored.md", "notes", "photo.png", "team/readme.rtf"}
    assert count_resumes(root) == 6


def test_walk_leaves_out_the_output_folder_inside_the_input(tmp_path: Path) -> None:
    root = tmp_path / "in"
    touch(root / "a.md")
    touch(root / "tailored" / "a.backend.md")
    assert [f.rel for f in walk_resumes(root, exclude=root / "tailored")] == ["a.md"]
    assert [f.rel for f in walk_resumes(root)] == ["a.md", "tailored/a.backend.md"]


def test_walk_examples_are_bounded(tmp_path: Path) -> None:
    for i in range(30):
        touch(tmp_path / f"f{i:02d}.png")
    note = SkipNote()
    assert list(walk_resumes(tmp_path, note)) == []
    assert note.count == 30 and len(note.examples) == 5


def test_names_are_flattened_and_safe(tmp_path: Path) -> None:
    namer = Namer(".md")
    [tag] = namer.job_tags(["jobs/backend_engineer.md"])
    assert namer.name(namer.base("alice.md"), tag) == "alice.backend_engineer.md"
    assert namer.name(namer.base("team/alice.md"), tag).startswith("team_alice-")  # a subfolder: its path's hash
    hostile = ["../../x.md", "..md", " José Müller (final!!).md", "a/../b.md", "日本語.md", "-rf .md", "x" * 400 + ".md"]
    out = tmp_path / "out"
    out.mkdir()
    names = [namer.name(namer.base(rel), tag) for rel in hostile]
    assert len(set(names)) == len(names)
    for name in names:
        assert "/" not in name and not name.startswith((".", "-")) and len(name.encode()) < 255
        assert (out / name).resolve().parent == out.resolve()
    assert names[2].startswith("Jose_Muller_final-") and names[2].endswith(".backend_engineer.md")
    assert names[4].startswith("resume")  # nothing ASCII left: a placeholder, kept distinct by a hash


def test_names_that_flatten_alike_stay_distinct_and_stable() -> None:
    def names() -> list[str]:
        namer = Namer(".html")
        return [namer.base(rel) for rel in ["a b.md", "a_b.txt", "a/b.md", "a-b.md"]]

    first = names()
    assert first[1] == "a_b" and len(set(first)) == 4  # the name that needed no change keeps it
    # A name is its own path's: the others do not change which file holds "a_b" (issue 17).
    namer = Namer(".html")
    assert [namer.base(rel) for rel in ["a_b.txt", "a b.md"]] == [first[1], first[0]]
    assert names() == first  # the same walk order gives the same names on a re-run
    assert Namer(".md").job_tags(["x/dev.md", "y/dev.txt"])[1].startswith("dev-")
    assert safe_part("ü/ß é") == "u_e"


def write_output(out: Path, name: str, mtime_ns: int) -> None:
    touch(out / name)
    os.utime(out / name, ns=(mtime_ns, mtime_ns))


def test_up_to_date_needs_a_newer_output_and_the_same_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    t = 1_700_000_000 * 10**9
    write_output(out, "a.job.md", t)
    write_output(out, "b.job.md", t)
    write_output(out, "c.job.md", t)  # exists but not in the manifest (e.g. copied in)
    index = OutputIndex.load(out)
    index.record("a.job.md", "fp1", 50.0, 70.0)
    index.record("b.job.md", "fp2", 40.0, 60.0)
    index.close()

    index = OutputIndex.load(out)
    assert index.up_to_date("a.job.md", "fp1", t - 1) == ("fp1", 50.0, 70.0)
    assert index.up_to_date("a.job.md", "fp1", t) is None  # an input as new as the output: redo
    assert index.up_to_date("a.job.md", "fp2", t - 1) is None  # other settings made it
    assert index.up_to_date("b.job.md", "fp1", t - 1) is None
    assert index.up_to_date("c.job.md", "fp1", t - 1) is None
    assert index.up_to_date("missing.job.md", "fp1", 0) is None


def test_manifest_survives_a_torn_last_line_and_is_compacted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_output(out, "a.job.md", 2 * 10**18)
    (out / MANIFEST_NAME).write_text('{"o":"a.job.md","f":"fp","b":1,"a":2}\n{"o":"b.jo')
    index = OutputIndex.load(out)
    assert index.up_to_date("a.job.md", "fp", 0) == ("fp", 1.0, 2.0)
    for i in range(200):  # the same output redone many times: superseded lines pile up
        index.record("a.job.md", "fp", float(i), float(i))
    index.close()
    lines = (out / MANIFEST_NAME).read_text().splitlines()
    assert len(lines) == 1
    assert OutputIndex.load(out).up_to_date("a.job.md", "fp", 0) == ("fp", 199.0, 199.0)


def test_a_small_batch_is_split_so_every_worker_gets_a_share(tmp_path: Path) -> None:
    from tailor.config import default_settings
    from tailor.pipeline.batch.driver import Batch
    from tailor.pipeline.batch.executor import CHUNK_SIZE

    root = tmp_path / "in"
    for n in range(7):
        touch(root / f"r{n}.md")
    job = touch(tmp_path / "job.md")

    def size(workers: int, jobs: int = 1) -> int:
        return Batch(default_settings(), root, [job] * jobs, tmp_path / "out", workers=workers)._chunk_size()

    assert size(1) == CHUNK_SIZE  # one worker: chunks as usual
    assert size(2) == 4  # 7 items on 2 workers: 4 + 3, not one chunk of 7 on one worker
    assert size(3) == 3
    assert size(2, jobs=4) == CHUNK_SIZE  # 28 items: full chunks already spread
