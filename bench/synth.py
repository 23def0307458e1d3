"""A synthetic full-report-scale corpus recombined from the real narratives, under invented country names.

The 2023 TIP report has about 190 country narratives. The real text available offline is far smaller
(the bundled Lithuania narrative and the 51 factbook narratives), so the benchmark's ``full`` corpus is
generated: each synthetic narrative gets an invented country name and a tier, opens with the verbatim
summary of a real narrative of that tier (its country name swapped for the invented one), and goes on
with the sections a real narrative has (Prioritized Recommendations, Prosecution, Protection,
Prevention, Trafficking Profile) filled with real sentences and clauses drawn at random.

Every clause of the output is a verbatim clause of a source narrative, apart from the source country's
own name, which becomes the invented name. Clauses that state a placement ("remained on Tier 3",
"minimum standards", waivers) appear only inside the opening summary, so a narrative never contradicts
its header. The generator is deterministic for a given seed, size and source text.

Files are written as ``NNNN-name.txt`` with a header such as
``FOOLAND (Tier 2 Watch List) Extracted in part from the U.S. State Dept 2023 TIP Report``; they go to a
cache or temporary folder, never into the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.countries import CountryMatcher
from index.errors import TipAssistantError
from index.parse import load_paths
from index.records import Document
from index.text import sentence_spans, tokens

GENERATOR_VERSION = 1
DEFAULT_SEED = 2023
REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_PATH = REPO_ROOT / "assistant" / "data" / "lithuania-2023.txt"
HEADER_SUFFIX = "Extracted in part from the U.S. State Dept 2023 TIP Report"
NAME_SLOT = "\x00"  # stands for the narrative's country name inside pooled clauses
# Words of text per chunk with the default chunking (120 words, 25 overlap) on this generator's output;
# measured, and used only to size a corpus for a chunk-count target (the bench verifies the real count).
WORDS_PER_CHUNK = 76.0


@dataclass(frozen=True)
class SizeSpec:
    """A named synthetic corpus size: how many narratives, and how many chunks it should yield."""

    name: str
    narratives: int
    target_chunks: int

    @property
    def words(self) -> int:
        return int(self.target_chunks * WORDS_PER_CHUNK)


SIZES = {
    "full": SizeSpec("full", 190, 10_000),
    "full10x": SizeSpec("full10x", 1_900, 100_000),
}

# Kinds of clause, by the section a synthetic narrative puts them in.
SECTION_KINDS = {
    "Prosecution": "prosecution",
    "Protection": "protection",
    "Prevention": "prevention",
    "Trafficking Profile": "profile",
}
_PLACEMENT = re.compile(r"\bTier\b|minimum standards|downgrade|upgrade|waiver|Watch List", re.I)
_KIND_WORDS = {
    "prosecution": re.compile(r"prosecut|convict|investigat|sentenc|court|judg|penal|crimin|complicit|law\b|"
                              r"laws\b|legislat|statute|offici", re.I),
    "protection": re.compile(r"victim|shelter|identif|referr|assist|servic|protect|repatria|screen|"
                             r"rehabilit|reintegr|compensat", re.I),
    "prevention": re.compile(r"prevent|awareness|campaign|\bNAP\b|action plan|recruit|inspect|train|budget|"
                             r"fund|coordinat|memorand|agreement", re.I),
}
# Share of a narrative's word budget per section (the opening summary and recommendations come first).
_SECTION_SHARES = (("Prosecution", 0.27), ("Protection", 0.27), ("Prevention", 0.21), ("Trafficking Profile", 0.25))
# Tier of each synthetic narrative, drawn with these weights from the tiers the sources hold.
_TIER_WEIGHTS = {"Tier 1": 0.2, "Tier 2 Watch List": 0.45, "Tier 3": 0.35}

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st",
           "gr", "pl", "th", "sh", "vr")
_VOWELS = ("a", "e", "i", "o", "u", "a", "o", "ae", "ei", "ou")
_CODAS = ("", "", "n", "r", "l", "s", "nd", "rk", "st", "m")
_SUFFIXES = ("ia", "land", "stan", "ova", "ar", "esh", "mark", "aria", "onia", "ador", "istan", "ura", "ene",
             "avia", "oria")


class SynthError(TipAssistantError, RuntimeError):
    """The source corpora are missing or too small to recombine."""


def default_factbook_dir() -> Path:
    """The factbook corpus beside the repository (``../shared/corpora``), or ``TIP_FACTBOOK_DIR``."""
    configured = os.environ.get("TIP_FACTBOOK_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[1].parent / "shared/corpora/factbook-tip-2023"


def default_sources() -> list[Path]:
    """The real text the synthetic corpus recombines: the bundled narrative and the factbook folder."""
    return [SEED_PATH, default_factbook_dir()]


@dataclass(frozen=True)
class Clause:
    """A verbatim clause of a source narrative; its source country's name is replaced by NAME_SLOT."""

    text: str
    capital: bool  # starts with a capital letter, so it can open a sentence
    closed: bool  # ends a sentence (.!?), so nothing may follow it in the same sentence
    words: int


@dataclass
class SourcePool:
    """What the generator draws from, by kind, read once from the source narratives."""

    summaries: dict[str, list[list[str]]] = field(default_factory=dict)  # tier -> summaries (paragraph lists)
    clauses: dict[str, list[Clause]] = field(default_factory=dict)  # kind -> clauses
    recommendations: list[str] = field(default_factory=list)
    vocabulary: set[str] = field(default_factory=set)
    fingerprint: str = ""

    @property
    def tiers(self) -> list[str]:
        return sorted(self.summaries)


def _with_slot(text: str, country: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(country)}(?![\w-])", NAME_SLOT, text)


def _clauses(text: str) -> list[Clause]:
    """The clauses of one sentence: the sentence split at its semicolons (the semicolons dropped)."""
    parts = [p.strip() for p in re.split(r";\s+", text) if p.strip()]
    out = []
    for n, part in enumerate(parts):
        part = part.rstrip(";").strip()
        if not part:
            continue
        closed = n == len(parts) - 1 and part[-1] in ".!?"
        out.append(Clause(part, part[:1].isupper() or part[:1] == NAME_SLOT, closed, len(part.split())))
    return out


def load_pool(sources: Sequence[Path] | None = None) -> SourcePool:
    """Read the source narratives and sort their text into summaries, clauses by kind and recommendations."""
    sources = list(sources or default_sources())
    for path in sources:
        if not Path(path).exists():
            raise SynthError(f"source corpus {path} not found (set TIP_FACTBOOK_DIR for the factbook corpus)")
    loaded = load_paths([Path(p) for p in sources])
    documents = [d for d in loaded.documents if d.tier]
    if not documents:
        raise SynthError(f"no narratives with a tier header in {', '.join(map(str, sources))}")
    pool = SourcePool(clauses={kind: [] for kind in ("summary", "prosecution", "protection", "prevention", "profile")})
    for doc in documents:
        _add_document(pool, doc)
        pool.vocabulary.update(tokens(doc.text, keep_stopwords=True))
    if not pool.recommendations:
        raise SynthError("the sources hold no Prioritized Recommendations section to draw from")
    digest = hashlib.sha256()
    for name in sorted(loaded.files):
        digest.update(f"{Path(name).name}:{loaded.files[name]}\n".encode())
    pool.fingerprint = digest.hexdigest()
    return pool


def _add_document(pool: SourcePool, doc: Document) -> None:
    summary = doc.sections[0] if doc.sections else None
    for section in doc.sections:
        body = doc.text[section.start : section.end]
        if section is summary:
            paragraphs = [_with_slot(p.strip(), doc.country) for p in body.split("\n\n") if p.strip()]
            pool.summaries.setdefault(doc.tier or "", []).append(paragraphs)
        if "recommendation" in section.title.lower():
            pool.recommendations += [_with_slot(p.strip(), doc.country) for p in body.split("\n\n") if p.strip()]
            continue
        profile = "profile" in section.title.lower()
        for start, end in sentence_spans(doc.text, section.start, section.end):
            for clause in _clauses(_with_slot(doc.text[start:end], doc.country)):
                if _PLACEMENT.search(clause.text) or clause.words < 4:
                    continue
                if profile:
                    pool.clauses["profile"].append(clause)
                    continue
                kinds = [k for k, pattern in _KIND_WORDS.items() if pattern.search(clause.text)] or ["summary"]
                for kind in kinds:
                    pool.clauses[kind].append(clause)


def invent_names(count: int, rng: random.Random, avoid: set[str] | None = None) -> list[str]:
    """``count`` distinct invented country names (title case), none a real country, a word of the sources,
    or a prefix of another (so "Valdor" never reads as the demonym of "Valdoran")."""
    matcher = CountryMatcher([])
    avoid = {a.lower() for a in (avoid or set())}
    names: list[str] = []
    taken: set[str] = set()
    attempts = 0
    while len(names) < count:
        attempts += 1
        if attempts > count * 200:
            raise SynthError(f"could not invent {count} distinct country names")
        stem = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        if rng.random() < 0.5:
            stem += rng.choice(_ONSETS) + rng.choice(_VOWELS)
        name = (stem + rng.choice(_SUFFIXES)).capitalize()
        name = re.sub(r"([aeiou])\1+", r"\1", name)  # no doubled vowels
        low = name.lower()
        if not 5 <= len(name) <= 14 or low in taken or low in avoid or matcher.find(name):
            continue
        if any(low[:i] in taken for i in range(4, len(low))) or any(t.startswith(low) for t in taken):
            continue
        taken.add(low)
        names.append(name)
    return names


def _sentence(rng: random.Random, clauses: list[Clause], openers: list[Clause]) -> str:
    """A sentence of one to five clauses: an opener that starts with a capital, then clauses joined by '; '."""
    first = rng.choice(openers)
    parts = [first.text]
    closed = first.closed
    length = rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 3, 2, 1))[0]
    while not closed and len(parts) < length:
        clause = rng.choice(clauses)
        parts.append(clause.text)
        closed = clause.closed
    text = "; ".join(parts)
    return text if text[-1] in ".!?" else text + "."


def _paragraphs(rng: random.Random, pool: SourcePool, kind: str, words: int) -> list[str]:
    clauses = pool.clauses[kind] if len(pool.clauses[kind]) >= 10 else pool.clauses["summary"]
    openers = [c for c in clauses if c.capital] or [c for cs in pool.clauses.values() for c in cs if c.capital]
    paragraphs: list[str] = []
    total = 0
    while total < words:
        sentences = [_sentence(rng, clauses, openers) for _ in range(rng.randint(1, 4))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.split())
    return paragraphs


def narrative(rng: random.Random, pool: SourcePool, name: str, tier: str, words: int) -> str:
    """One synthetic narrative's text: header, summary, recommendations and the four body sections."""
    template = rng.choice(pool.summaries[tier])
    blocks = [f"{name.upper()} ({tier}) {HEADER_SUFFIX}"]
    blocks += template
    used = sum(len(p.split()) for p in template)
    blocks.append("Prioritized Recommendations")
    items = rng.sample(pool.recommendations, k=min(len(pool.recommendations), rng.randint(6, 10)))
    blocks += items
    used += sum(len(i.split()) for i in items)
    remaining = max(words - used, 200)
    for title, share in _SECTION_SHARES:
        blocks.append(title)
        blocks += _paragraphs(rng, pool, SECTION_KINDS[title], int(remaining * share))
    return "\n\n".join(blocks).replace(NAME_SLOT, name) + "\n"


@dataclass
class CorpusInfo:
    """A generated corpus on disk."""

    folder: Path
    narratives: int
    words: int
    seed: int
    files: list[Path] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "narratives": self.narratives, "words": self.words, "seed": self.seed,
                "tiers": self.tiers}


def write_corpus(
    out_dir: Path,
    narratives: int,
    words: int,
    seed: int = DEFAULT_SEED,
    pool: SourcePool | None = None,
) -> CorpusInfo:
    """Write ``narratives`` synthetic narratives of about ``words`` words in all into ``out_dir``.

    The same arguments and sources always give the same files.
    """
    if narratives < 1:
        raise ValueError("narratives must be at least 1")
    pool = pool or load_pool()
    rng = random.Random(f"tip-bench:{seed}:{narratives}:{words}")
    names = invent_names(narratives, rng, avoid=pool.vocabulary)
    tiers = [t for t in _TIER_WEIGHTS if t in pool.summaries] or pool.tiers
    weights = [_TIER_WEIGHTS.get(t, 1.0) for t in tiers]
    mean = max(words / narratives, 400)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = CorpusInfo(out_dir, narratives, 0, seed)
    for n, name in enumerate(names, start=1):
        tier = rng.choices(tiers, weights=weights)[0]
        text = narrative(rng, pool, name, tier, int(mean * rng.uniform(0.5, 1.5)))
        path = out_dir / f"{n:04d}-{name.lower()}.txt"
        path.write_text(text, encoding="utf-8")
        info.files.append(path)
        info.countries.append(name)
        info.tiers[tier] = info.tiers.get(tier, 0) + 1
        info.words += len(text.split())
    return info


def corpus_key(spec: SizeSpec, seed: int, pool: SourcePool) -> str:
    """A short hash naming one generated corpus: generator version, size, seed and source text."""
    raw = json.dumps([GENERATOR_VERSION, spec.narratives, spec.words, seed, pool.fingerprint])
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def ensure_corpus(spec: SizeSpec, cache_root: Path, seed: int = DEFAULT_SEED,
                  pool: SourcePool | None = None) -> CorpusInfo:
    """The corpus for ``spec`` under ``cache_root``, generated on first use (atomically) and reused after."""
    pool = pool or load_pool()
    folder = Path(cache_root) / f"{spec.name}-{corpus_key(spec, seed, pool)}"
    meta = folder / "corpus.json"
    if meta.is_file():
        data = json.loads(meta.read_text(encoding="utf-8"))
        files = sorted(folder.glob("*.txt"))
        if len(files) == data["narratives"]:
            return CorpusInfo(folder, data["narratives"], data["words"], data["seed"], files,
                              data.get("countries", []), data.get("tiers", {}))
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        info = write_corpus(tmp, spec.narratives, spec.words, seed, pool)
        payload = {**info.to_dict(), "countries": info.countries, "generator": GENERATOR_VERSION,
                   "target_chunks": spec.target_chunks}
        (tmp / "corpus.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CorpusInfo(folder, info.narratives, info.words, seed, sorted(folder.glob("*.txt")), info.countries,
                      info.tiers)
