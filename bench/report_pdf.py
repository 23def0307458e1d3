"""``python -m bench.report_pdf``: a generated report-like PDF at full size, parsed and indexed.

The real report is a ~600-page PDF of ~190 country narratives. This benchmark prints one like it: the
synthetic narratives of ``bench/synth.py`` (real sentences recombined under invented country names), laid
out by ``bench/pdfgen.py`` as the report is (cover, introduction, tier placement table, two-column
narratives with running heads, page numbers and hyphenated line ends, headings and recommendation bullets
in every published rendering, a glossary after the last narrative). It then measures:

- parse: seconds to read the PDF into documents, narratives found against those printed (country and tier
  each), report-text documents, running heads or page numbers left in any chunk, words split at a line end
  that were rejoined, compounds that kept their hyphen, and sentences whose cited page is the printed one;
- build: seconds to parse, chunk, embed and write the index, with the model-free hashing embedder and,
  with ``--model``, a real one.

Results go to ``bench/report_pdf_results.json`` (``--out``). Needs reportlab (the ``test`` or ``bench``
extra) and the factbook corpus beside the repository (or ``TIP_FACTBOOK_DIR``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.pdfgen import BULLET_STYLES, PrintedReport, heading_text, narrative_from, same_text, write_report
from bench.synth import SizeSpec, default_sources, load_pool, write_corpus

RESULTS_PATH = Path(__file__).resolve().parent / "report_pdf_results.json"
# About the real report's size: 190 narratives, ~570k words, ~600 two-column pages.
REPORT = SizeSpec("report-pdf", 190, 7_500)
HEADING_STYLES = ("upper-colon", "paren", "colon", "upper-paren")


def report_specs(narratives: int, words: int, seed: int = 2023) -> list:
    """The narratives to print: synthetic narratives, each with a heading rendering and a bullet rendering
    drawn at random (every tenth heading printed over two lines)."""
    from index.parse import load_paths

    pool = load_pool(default_sources())
    rng = random.Random(f"report-pdf:{seed}:{narratives}:{words}")
    with tempfile.TemporaryDirectory(prefix="tip-report-pdf-") as folder:
        info = write_corpus(Path(folder), narratives, words, seed, pool)
        documents = [load_paths([path]).documents[0] for path in info.files]
    specs = []
    for n, doc in enumerate(documents):
        style = rng.choice(HEADING_STYLES)
        lines: tuple[str, ...] = ()
        if n % 10 == 9:  # "NAME:" / "TIER 2 WATCH LIST", or "Name" / "(Tier 2)"
            heading = heading_text(doc.country, doc.tier, style)
            cut = heading.index(":") + 1 if ":" in heading else heading.index(" (")
            lines = (heading[:cut].strip(), heading[cut:].strip())
        specs.append(narrative_from(doc, style=style, bullet_style=rng.choice(BULLET_STYLES), heading_lines=lines))
    return specs


def measure_parse(report: PrintedReport) -> dict:
    """Read the printed PDF back and compare it with what was printed."""
    from index.chunk import chunk_documents
    from index.parse import load_paths
    from index.records import NARRATIVE
    from index.text import unit_spans

    started = time.perf_counter()
    loaded = load_paths([report.path])
    seconds = time.perf_counter() - started
    narratives = [d for d in loaded.documents if d.kind == NARRATIVE]
    expected = [(s.country, s.tier) for s in report.narratives]
    found = [(d.country, d.tier) for d in narratives]
    matched = sum(1 for pair in found if pair in set(expected))
    exact_text = sum(1 for n, doc in enumerate(narratives) if n < len(report.narratives) and same_text(
        doc.text, "\n\n".join(p.text for p in report.paragraphs if p.narrative == n)))
    chunks = chunk_documents(loaded.documents)
    folios = {str(n) for n in range(1, report.pages + 1)}
    furniture = sum(1 for c in chunks if report.running_head in c.text
                    or any(part.strip() in folios for part in c.text.split("\n\n")))
    text = "\n".join(d.text for d in loaded.documents)
    splits = [w for w in report.split_words if not w.compound]
    compounds = [w for w in report.split_words if w.compound]
    left_split = [w.printed for w in splits if "".join(w.printed.split("|")) in text]
    kept = sum(1 for w in compounds if "".join(w.printed.split("|")) in text)
    pages_right = pages_total = 0
    differing = 0  # narrative words not exactly as printed (a compound the corpus also spells closed, say)
    if found == expected:
        for n, doc in enumerate(narratives):
            printed = [w for p in report.paragraphs if p.narrative == n for w in p.text.split(" ")]
            differing += sum(1 for a, b in zip(doc.text.split(), printed, strict=False) if a != b)
            for section in doc.sections:
                for start, _ in unit_spans(doc.text, section.start, section.end):
                    pages_total += 1
                    # ValueError: the narrative's words differ from the printed ones before this sentence.
                    with contextlib.suppress(ValueError):
                        pages_right += doc.page_at(start) == report.printed_page(n, doc.text, start)
    return {
        "parse_s": round(seconds, 2),
        "pages": report.pages,
        "narratives_expected": len(expected),
        "narratives_found": len(found),
        "narratives_matching": matched,
        "all_narratives_exact": found == expected,
        "narrative_texts_as_printed": exact_text,
        "report_text_documents": len(loaded.documents) - len(narratives),
        "chunks": len(chunks),
        "chunks_with_page_furniture": furniture,
        "split_words": len(splits),
        "split_words_rejoined": len(splits) - len(left_split),
        "split_words_left_hyphenated": left_split[:20],  # e.g. "brick-|making" when neither form occurs elsewhere
        "compounds_split": len(compounds),
        "compounds_kept": kept,
        "narrative_words_not_as_printed": differing,
        "sentences_checked": pages_total,
        "sentences_on_printed_page": pages_right,
        "words": len(text.split()),
    }


def measure_build(path: Path, model: str, folder: Path) -> dict:
    from index.settings import Settings
    from index.store import build_index

    settings = Settings.load({"model": model, "index_dir": folder}, env={})
    started = time.perf_counter()
    built = build_index([path], folder, settings)
    seconds = time.perf_counter() - started
    return {"model": model, "build_s": round(seconds, 2), "embed_s": round(built.embed_seconds, 2),
            "documents": built.documents, "chunks": built.chunks}


def run(narratives: int, words: int, models: list[str], keep: Path | None = None) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="tip-report-pdf-"))
    try:
        started = time.perf_counter()
        specs = report_specs(narratives, words)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        report = write_report(folder / "2023-TIP-Report.pdf", specs, year=2023)
        print_s = time.perf_counter() - started
        result = {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "narratives": narratives,
            "generate_s": round(generate_s, 2),
            "print_s": round(print_s, 2),
            "pdf_mb": round(report.path.stat().st_size / 1e6, 1),
            "parse": measure_parse(report),
            "build": [measure_build(report.path, model, folder / f"index-{n}") for n, model in enumerate(models)],
        }
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(report.path, keep / report.path.name)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.report_pdf", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--narratives", type=int, default=REPORT.narratives)
    parser.add_argument("--words", type=int, default=REPORT.words, help="words in all narratives (about)")
    parser.add_argument("--model", action="append", default=[], metavar="NAME",
                        help="also build with this embedding model (repeatable); hashing-256 is always built")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH, help=f"results JSON (default {RESULTS_PATH})")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR", help="copy the generated PDF here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = run(args.narratives, args.words, ["hashing-256", *args.model], args.keep)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    parse = result["parse"]
    print(f"{result['narratives']} narratives, {parse['pages']} pages ({result['pdf_mb']} MB): parsed in "
          f"{parse['parse_s']} s; narratives found {parse['narratives_found']}/{parse['narratives_expected']} "
          f"(exact: {parse['all_narratives_exact']}); "
          f"chunks with page furniture {parse['chunks_with_page_furniture']}; "
          f"split words rejoined {parse['split_words_rejoined']}/{parse['split_words']}; compounds kept "
          f"{parse['compounds_kept']}/{parse['compounds_split']}; sentences on the printed page "
          f"{parse['sentences_on_printed_page']}/{parse['sentences_checked']}")
    for build in result["build"]:
        print(f"build with {build['model']}: {build['build_s']} s ({build['chunks']} chunks, "
              f"embedding {build['embed_s']} s)")
    print(f"results written to {args.out}")
    return 0 if parse["all_narratives_exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
