"""Run gold sets against one or more configurations and report retrieval, answer, citation, refusal
and latency metrics, side by side."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval import metrics
from index.errors import ConfigError, GoldFormatError
from index.settings import Settings

# Named configurations compared side by side. "hybrid+routing" is what the assistant ships with.
CONFIGS: dict[str, dict[str, Any]] = {
    "naive": {"chunker": "fixed", "chunk_size": 1024, "chunk_overlap": 0, "retrieval": "dense", "top_k": 2,
              "country_routing": False},
    "bm25": {"retrieval": "bm25", "country_routing": False},
    "dense": {"retrieval": "dense", "country_routing": False},
    "hybrid": {"retrieval": "hybrid", "country_routing": False},
    "hybrid+routing": {"retrieval": "hybrid", "country_routing": True},
    "hybrid+routing/chunk60": {"retrieval": "hybrid", "country_routing": True, "chunk_size": 60,
                               "chunk_overlap": 12},
    "hybrid+routing/chunk240": {"retrieval": "hybrid", "country_routing": True, "chunk_size": 240,
                                "chunk_overlap": 40},
}
DEFAULT_CONFIGS = ["hybrid+routing"]
RETRIEVAL_KEYS = ["hit@1", "hit@3", "hit@5", "mrr", "ndcg@10", "recall@10"]
TABLE_COLUMNS = [
    ("hit@1", "Hit@1"), ("hit@5", "Hit@5"), ("mrr", "MRR"), ("ndcg@10", "nDCG@10"), ("recall@10", "R@10"),
    ("fact_recall", "Fact recall"), ("all_facts", "All facts"), ("supported", "Support"),
    ("citation_precision", "Cite prec."), ("refusal_accuracy", "Refusal acc."),
    ("false_refusal_rate", "False refusal"), ("median_reply_chars", "Reply chars"), ("total_ms_p50", "p50 ms"),
    ("total_ms_p95", "p95 ms"),
]
LOWER_IS_BETTER = {"false_refusal_rate", "total_ms_p50", "total_ms_p95", "median_quote_chars", "median_reply_chars"}
GOLD_KEYS = {"id": str, "question": str, "answer": str, "facts": list, "evidence": list, "answerable": bool}


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answer: str
    facts: list[list[str]]
    evidence: list[str]
    answerable: bool
    history: list[str] = field(default_factory=list)
    kind: str | None = None  # the optional "class" of the item (country, quantity, followup, …)


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold JSONL file, checking each line's keys and types."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldFormatError(f"cannot read gold file {path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise GoldFormatError(f"{path}:{number}: each line must be a JSON object")
        for key, kind in GOLD_KEYS.items():
            if not isinstance(data.get(key), kind):
                raise GoldFormatError(f"{path}:{number}: {key!r} must be a {kind.__name__}")
        history = data.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise GoldFormatError(f"{path}:{number}: 'history' must be a list of strings")
        facts = data["facts"]
        if not all(isinstance(f, list) and all(isinstance(a, str) for a in f) for f in facts):
            raise GoldFormatError(f"{path}:{number}: 'facts' must be a list of lists of strings")
        kind = data.get("class")
        items.append(GoldItem(data["id"], data["question"], data["answer"], facts, list(data["evidence"]),
                              data["answerable"], history, kind if isinstance(kind, str) else None))
    if not items:
        raise GoldFormatError(f"gold file {path} has no items")
    return items


def score_item(item: GoldItem, reply, ranked_texts: list[str]) -> dict[str, Any]:
    """Every per-item metric for one reply (see eval.metrics for definitions)."""
    quotes = [c.quote for c in reply.citations]
    row: dict[str, Any] = {
        "id": item.id,
        "question": item.question,
        "answerable": item.answerable,
        "refused": reply.refused,
        "answer": reply.answer,
        "quotes": quotes,
        "best_score": reply.best_score,
        "answerer": reply.answerer,
        "intent": reply.intent,
        "class": item.kind,
        "timings": reply.timings,
    }
    if item.answerable:
        row["fact_recall"] = metrics.fact_recall(reply.answer, item.facts)
        row["all_facts"] = metrics.all_facts(reply.answer, item.facts)
        row.update(metrics.retrieval_metrics(ranked_texts, item.evidence) or {})
        cite = metrics.citation_metrics(quotes, item.evidence)
        row["supported"] = cite["supported"]
        row["citation_precision"] = cite["precision"]
    return row


def aggregate(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Overall metrics from per-item rows."""
    answerable = [r for r in rows if r["answerable"]]
    out: dict[str, float | None] = {"items": float(len(rows))}
    for key in [*RETRIEVAL_KEYS, "fact_recall", "all_facts", "supported", "citation_precision"]:
        out[key] = metrics.mean([_num(r.get(key)) for r in answerable])
    out.update(metrics.refusal_metrics([(r["answerable"], r["refused"]) for r in rows]))
    lengths = [float(len(q)) for r in rows for q in r["quotes"]]
    out["median_quote_chars"] = metrics.percentile(lengths, 50)
    out["median_reply_chars"] = metrics.percentile([float(len(r["answer"])) for r in rows], 50)
    # The direct answer: an answered which-country question names the country, a quantity question states it.
    for kind, key in (("country", "country_named"), ("quantity", "quantity_stated")):
        answered = [r for r in rows if r.get("class") == kind and r["answerable"] and not r["refused"]]
        out[key] = metrics.mean([float(r["all_facts"]) for r in answered]) if answered else None
    stages = sorted({k for r in rows for k in r["timings"]})
    for stage in stages:
        values = [r["timings"][stage] for r in rows if stage in r["timings"]]
        name = stage.removesuffix("_ms")
        out[f"{name}_ms_p50"] = metrics.percentile(values, 50)
        out[f"{name}_ms_p95"] = metrics.percentile(values, 95)
    return out


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)


def _progress(items: list, label: str, enabled: bool) -> Iterator:
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=label, file=sys.stderr, leave=False)


def evaluate(bot, items: list[GoldItem], label: str = "eval", progress: bool = True) -> dict[str, Any]:
    """Ask every item and score it; returns {"overall": ..., "items": [...]}."""
    rows = []
    for item in _progress(items, label, progress):
        reply = bot.ask(item.question, history=item.history)
        hits = bot.retrieve(item.question, history=item.history, k=10)
        rows.append(score_item(item, reply, [h.chunk.text for h in hits]))
    return {"overall": aggregate(rows), "items": rows}


def config_settings(base: Settings, name: str) -> Settings:
    if name not in CONFIGS:
        raise GoldFormatError(f"unknown configuration {name!r}; known: {', '.join(CONFIGS)}, all")
    return base.replace(**CONFIGS[name])


def _chunk_key(settings: Settings) -> tuple:
    indexing = settings.indexing
    return (indexing.model, indexing.embed_backend, indexing.chunker, indexing.chunk_size, indexing.chunk_overlap)


def run(gold_files: list[Path], corpus: list[Path] | None, index_dir: Path | None, config_names: list[str],
        base: Settings, progress: bool = True) -> dict[str, Any]:
    """Evaluate every gold file under every configuration; indexes are built once per chunking."""
    from assistant.core import Assistant
    from assistant.paths import bundled_corpus
    from index.embed import make_embedder
    from index.store import build_index, read_manifest

    if corpus is None:
        if index_dir is not None:
            sources = [Path(p) for p in read_manifest(index_dir)["sources"]]
            corpus = [p for p in sources if p.exists()]
        else:
            corpus = [bundled_corpus()]
    golds = {str(path): load_gold(path) for path in gold_files}
    embedder = make_embedder(base.indexing.model, base.indexing.embed_backend)
    results: dict[str, Any] = {"corpus": [str(p) for p in corpus], "configs": {}}
    llm_url = base.llm.llm_url
    base = base.replace(llm_url=None)
    with tempfile.TemporaryDirectory(prefix="tip-eval-") as tmp:
        built: dict[tuple, Path] = {}
        for name in config_names:
            settings = config_settings(base, name)
            key = _chunk_key(settings)
            if index_dir is not None and name == config_names[0] and not built:
                manifest = read_manifest(index_dir)
                chunking = manifest["chunking"]
                built[(manifest["model"], base.indexing.embed_backend, chunking["chunker"], chunking["chunk_size"],
                       chunking["chunk_overlap"])] = Path(index_dir)
            if key not in built:
                folder = Path(tmp) / f"index-{len(built)}"
                build_index(corpus, folder, settings, embedder=embedder)
                built[key] = folder
            variants = [(name, settings)]
            if llm_url:  # the same configuration answered by the local model, side by side
                variants.append((f"{name}+llm", settings.replace(llm_url=llm_url)))
            for label, variant in variants:
                started = time.perf_counter()
                bot = Assistant.load(built[key], settings=variant, embedder=embedder)
                per_gold = {}
                for gold_path, items in golds.items():
                    per_gold[gold_path] = evaluate(bot, items, f"{label} · {Path(gold_path).name}", progress)
                results["configs"][label] = {"settings": {**CONFIGS[name], "llm": bool(variant.llm.llm_url)},
                                             "gold": per_gold, "seconds": time.perf_counter() - started}
    return results


def markdown_table(results: dict[str, Any], gold_path: str) -> str:
    """One row per configuration, best value of each column in bold."""
    rows = [(name, data["gold"][gold_path]["overall"]) for name, data in results["configs"].items()]
    header = "| Configuration | " + " | ".join(label for _, label in TABLE_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(TABLE_COLUMNS) + 1)]
    best: dict[str, float] = {}
    for key, _ in TABLE_COLUMNS:
        values = [o.get(key) for _, o in rows if o.get(key) is not None]
        if values:
            best[key] = min(values) if key in LOWER_IS_BETTER else max(values)
    for name, overall in rows:
        cells = []
        for key, _ in TABLE_COLUMNS:
            value = overall.get(key)
            if value is None:
                cells.append("–")
                continue
            text = f"{value:.0f}" if key.endswith(("_ms_p50", "_ms_p95", "_chars")) else f"{value:.3f}"
            cells.append(f"**{text}**" if len(rows) > 1 and value == best.get(key) else text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def class_table(results: dict[str, Any], gold_path: str, config: str) -> str | None:
    """Answer metrics per item class (for gold files whose items carry a "class"), for one configuration."""
    rows = results["configs"][config]["gold"][gold_path]["items"]
    kinds = sorted({r["class"] for r in rows if r.get("class")})
    if not kinds:
        return None
    lines = ["| Class | Items | Fact recall | Support | Refusal acc. | False refusal |", "|---|---|---|---|---|---|"]
    for kind in kinds:
        group = aggregate([r for r in rows if r.get("class") == kind])
        cells = [f"{group[k]:.3f}" if group.get(k) is not None else "–"
                 for k in ("fact_recall", "supported", "refusal_accuracy", "false_refusal_rate")]
        lines.append(f"| {kind} | {int(group['items'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# Outside what ships, an item keeps only what tells configurations apart item by item (their retrieval metrics
# and the rest are in each run's "overall").
_SCORE_KEYS = ("id", "answerable", "refused", "fact_recall", "supported")
# results.json keeps scores to this many decimals: the tables show three.
SCORE_DECIMALS = 6


def _compact(results: dict[str, Any], kept: set[str]) -> dict[str, Any]:
    """The results with each item cut to its answer scores outside the ``kept`` configurations;
    scores to six decimals and each kept item's stage timings to a tenth of a millisecond (the per-stage
    percentiles are computed before)."""
    configs = {}
    for name, data in results["configs"].items():
        if name in kept:
            gold = {path: {**run, "items": [{**item, "timings": {k: round(v, 1) for k, v in item["timings"].items()}}
                                            if isinstance(item.get("timings"), dict) else item
                                            for item in run["items"]]}
                    for path, run in data["gold"].items()}
        else:
            gold = {path: {**run, "items": [{k: item[k] for k in _SCORE_KEYS if k in item}
                                            for item in run["items"]]}
                    for path, run in data["gold"].items()}
        configs[name] = {**data, "gold": gold}
    return _rounded({**results, "configs": configs})


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, SCORE_DECIMALS)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def write_outputs(results: dict[str, Any], out: Path) -> list[Path]:
    """table.md, results.json and chart.png in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    gold_paths = list(next(iter(results["configs"].values()))["gold"])
    table = []
    for gold_path in gold_paths:
        table.append(f"### {Path(gold_path).name}\n\n{markdown_table(results, gold_path)}\n")
        # By class for what ships (and its local-model variant); other configurations only differ in retrieval.
        shipped = [c for c in results["configs"] if c.startswith(DEFAULT_CONFIGS[0]) and "/" not in c]
        for config in shipped or list(results["configs"])[:1]:
            by_class = class_table(results, gold_path, config)
            if by_class:
                table.append(f"#### {Path(gold_path).name} by class ({config})\n\n{by_class}\n")
    (out / "table.md").write_text("\n".join(table), encoding="utf-8")
    # Compact: a run over hundreds of questions and seven configurations is megabytes of replies and quotes, so
    # only what ships keeps every reply; the other configurations keep each item's scores.
    kept = set(shipped or list(results["configs"])[:1])
    (out / "results.json").write_text(json.dumps(_compact(results, kept), ensure_ascii=False, default=str,
                                                 separators=(",", ":")), encoding="utf-8")
    written += [out / "table.md", out / "results.json"]
    chart = _chart(results, gold_paths, out / "chart.png")
    if chart:
        written.append(chart)
    return written


def _chart(results: dict[str, Any], gold_paths: list[str], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart written (pip install matplotlib)", file=sys.stderr)
        return None
    keys = ["hit@5", "mrr", "fact_recall", "supported", "refusal_accuracy"]
    configs = list(results["configs"])
    fig, axes = plt.subplots(1, len(gold_paths), figsize=(6 * len(gold_paths), 4), squeeze=False)
    width = 0.8 / max(1, len(configs))
    for ax, gold_path in zip(axes[0], gold_paths, strict=True):
        for i, name in enumerate(configs):
            overall = results["configs"][name]["gold"][gold_path]["overall"]
            values = [overall.get(k) or 0.0 for k in keys]
            ax.bar([x + i * width for x in range(len(keys))], values, width, label=name)
        ax.set_xticks([x + width * (len(configs) - 1) / 2 for x in range(len(keys))])
        ax.set_xticklabels(keys, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.set_title(Path(gold_path).name)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_cli(args, settings: Settings) -> int:
    """`tip-assistant eval`: run, print the table (or JSON), write outputs."""
    names = args.config or DEFAULT_CONFIGS
    if "all" in names:
        names = list(CONFIGS)
    for name in names:
        if name not in CONFIGS:
            raise ConfigError(f"unknown configuration {name!r}; known: {', '.join(CONFIGS)}, all")
    if args.corpus and args.index_dir:
        raise ConfigError("give --index or --corpus, not both")
    index_dir = Path(args.index_dir) if args.index_dir else None
    if args.fit:
        from assistant.evidence import DEFAULT_MODEL_PATH
        from eval.fit import fit, parse_pair

        out = args.model_out or DEFAULT_MODEL_PATH
        model = fit([parse_pair(spec) for spec in args.fit], settings.replace(index_dir=None), out,
                    progress=not args.quiet)
        cv = model.info["cross_validation"]
        print(f"fitted on {model.info['questions']} questions ({model.info['candidates']} candidate sentences); "
              f"{cv['folds']}-fold cross-validation at threshold {cv['threshold']:.2f}: decision accuracy "
              f"{cv['decision_accuracy']:.3f}, balanced accuracy {cv['balanced_accuracy']:.3f}, answered right "
              f"{cv['answered_right']:.3f}, refusal accuracy {cv['refusal_accuracy']:.3f}, false refusals "
              f"{cv['false_refusal_rate']:.3f}, fact recall {cv['fact_recall']:.3f} (out-of-fold)")
        print(f"wrote {out}")
        return 0
    if not args.gold:
        raise ConfigError("give --gold FILE (or --fit GOLD=CORPUS to fit the answer model)")
    results = run(args.gold, args.corpus, index_dir, names, settings.replace(index_dir=None),
                  progress=not args.quiet)
    if args.json:
        summary = {name: {g: d["overall"] for g, d in data["gold"].items()}
                   for name, data in results["configs"].items()}
        print(json.dumps(summary, indent=2))
    else:
        for gold_path in [str(g) for g in args.gold]:
            print(f"\n{gold_path}\n\n{markdown_table(results, gold_path)}")
    if args.out:
        for path in write_outputs(results, args.out):
            print(f"wrote {path}", file=sys.stderr)
    return 0
