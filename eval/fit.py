"""Fit the answer model: a logistic regression over candidate-sentence features, and its refusal threshold.

Every dev gold question is asked; every sentence the answerers rate is a sample, labelled 1 when it overlaps
one of the item's evidence quotes (never, for unanswerable items). Weights are fitted with L2-regularised
Newton steps. The refusal threshold is chosen by 5-fold cross-validation grouped by question, end to end:
for each fold, weights fitted on the other folds answer the held-out questions at every candidate threshold,
and the threshold that maximises the mean of decision accuracy (answered with at least half its facts, or
rightly refused) and balanced accuracy (answerable and unanswerable questions weighed equally) over all
held-out answers wins. Those out-of-fold figures are the cross-validated estimate reported with the model.
The test split is never used.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.evidence import FEATURES, AnswerModel, Candidate
from eval import metrics
from eval.run import GoldItem, load_gold
from index.errors import ConfigError
from index.settings import Settings

L2 = 1.0
FOLDS = 5
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.04, 0.61, 0.02))
# An answered question counts as right when its reply holds at least this share of the gold facts.
RIGHT_FACTS = 0.5
SEED = 20231


@dataclass
class Item:
    """One gold question's rated candidates: features (n x d) and labels (n,)."""

    id: str
    answerable: bool
    features: np.ndarray
    labels: np.ndarray


class _Recorder:
    """Wraps Evidence.rate to keep every candidate rated while a question is answered."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int, int], Candidate] = {}

    def wrap(self, rate):
        def recording(units, ask):
            rated = rate(units, ask)
            for candidate in rated:
                key = (candidate.unit.document, candidate.unit.start, candidate.unit.end)
                if key not in self.seen or candidate.probability > self.seen[key].probability:
                    self.seen[key] = candidate
            return rated
        return recording


def collect(bot, items: list[GoldItem], progress: bool = True) -> list[Item]:
    """Ask every item and record its candidates with labels."""
    out = []
    original = bot.evidence.rate
    try:
        for n, item in enumerate(items, 1):
            recorder = _Recorder()
            bot.evidence.rate = recorder.wrap(original)
            bot.ask(item.question, history=item.history)
            bot.evidence.rate = original
            candidates = list(recorder.seen.values())
            features = np.array([c.features for c in candidates]).reshape(-1, len(FEATURES))
            labels = np.array([float(item.answerable and _supports(c.unit.text, item.evidence)) for c in candidates])
            out.append(Item(item.id, item.answerable, features, labels))
            if progress and n % 25 == 0:
                print(f"  {n}/{len(items)} questions", file=sys.stderr)
    finally:
        bot.evidence.rate = original
    return out


def _supports(text: str, evidence: list[str]) -> bool:
    return any(metrics.quote_covers(text, e) or metrics.quote_covers(e, text) or metrics.quotes_overlap(text, e)
               for e in evidence)


def fit_weights(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def cross_validate(runs: list[tuple[object, list[GoldItem], list[Item]]], folds: int = FOLDS) -> dict:
    """End-to-end grouped k-fold over every question of every (assistant, gold items, samples) run."""
    everything = [(bot, gold, item) for bot, golds, items in runs for gold, item in zip(golds, items, strict=True)]
    order = list(range(len(everything)))
    random.Random(SEED).shuffle(order)
    outcomes: dict[float, list[tuple[bool, bool, float | None]]] = {t: [] for t in THRESHOLDS}
    for fold in range(folds):
        held = set(order[fold::folds])
        train = [everything[i][2] for i in range(len(everything)) if i not in held and len(everything[i][2].labels)]
        weights, bias = fit_weights(np.vstack([it.features for it in train]),
                                    np.concatenate([it.labels for it in train]))
        for threshold in THRESHOLDS:
            model = AnswerModel(weights, bias, threshold)
            for i in sorted(held):
                bot, gold, _ = everything[i]
                previous, bot.evidence.model = bot.evidence.model, model
                try:
                    reply = bot.ask(gold.question, history=gold.history)
                finally:
                    bot.evidence.model = previous
                recall = metrics.fact_recall(reply.answer, gold.facts) if gold.answerable else None
                outcomes[threshold].append((gold.answerable, reply.refused, recall))
    rows = [_row(threshold, results) for threshold, results in outcomes.items()]
    best = max(rows, key=lambda r: (round(r["objective"], 4), -abs(r["threshold"] - 0.3)))
    return {"best": best, "rows": rows}


def _row(threshold: float, results: list[tuple[bool, bool, float | None]]) -> dict:
    answerable = [(refused, recall) for ok, refused, recall in results if ok]
    unanswerable = [refused for ok, refused, _ in results if not ok]
    answered_right = sum(not refused and (recall or 0) >= RIGHT_FACTS for refused, recall in answerable)
    refused_right = sum(unanswerable)
    answered_rate = answered_right / len(answerable) if answerable else 0.0
    refusal_accuracy = refused_right / len(unanswerable) if unanswerable else 0.0
    decision = (answered_right + refused_right) / len(results)
    balanced = (answered_rate + refusal_accuracy) / 2
    return {"threshold": threshold, "decision_accuracy": decision, "balanced_accuracy": balanced,
            "answered_right": answered_rate, "refusal_accuracy": refusal_accuracy,
            "false_refusal_rate": sum(refused for refused, _ in answerable) / len(answerable) if answerable else 0.0,
            "fact_recall": float(np.mean([(recall or 0.0) for _, recall in answerable])) if answerable else 0.0,
            "objective": (decision + balanced) / 2}


def fit(pairs: list[tuple[Path, list[Path]]], base: Settings, out: Path | None = None,
        progress: bool = True) -> AnswerModel:
    """Collect samples from every (gold file, corpus) pair, cross-validate, fit on all, write ``out``."""
    from assistant.core import Assistant
    from index.embed import make_embedder
    from index.search import TipIndex
    from index.store import build_index

    started = time.perf_counter()
    embedder = make_embedder(base.indexing.model, base.indexing.embed_backend)
    runs = []
    sources = []
    with tempfile.TemporaryDirectory(prefix="tip-fit-") as tmp:
        built: dict[tuple[str, ...], Path] = {}
        for gold, corpus in pairs:
            if "test" in Path(gold).name:
                raise ConfigError(f"{gold} looks like a test split: the answer model is fitted on dev data only")
            key = tuple(sorted(str(p) for p in corpus))
            if key not in built:
                folder = Path(tmp) / f"index-{len(built)}"
                build_index(corpus, folder, base, embedder=embedder)
                built[key] = folder
            # Answering while collecting needs some model: the current one, carried over if features changed.
            bot = Assistant(TipIndex.load(built[key], base, embedder), base,
                            AnswerModel.load(base.answering.answer_model, carry_over=True))
            gold_items = load_gold(gold)
            if progress:
                print(f"{gold}: {len(gold_items)} questions", file=sys.stderr)
            runs.append((bot, gold_items, collect(bot, gold_items, progress)))
            sources.append({"gold": str(gold), "corpus": [str(p) for p in corpus], "items": len(gold_items)})
        if progress:
            print(f"cross-validating {len(THRESHOLDS)} thresholds over {FOLDS} folds…", file=sys.stderr)
        cv = cross_validate(runs)
    items = [item for _, _, run_items in runs for item in run_items]
    x = np.vstack([it.features for it in items if len(it.labels)])
    y = np.concatenate([it.labels for it in items if len(it.labels)])
    weights, bias = fit_weights(x, y)
    best = cv["best"]
    model = AnswerModel(weights, bias, best["threshold"], info={
        "fitted": time.strftime("%Y-%m-%d"),
        "data": sources,
        "questions": len(items),
        "answerable": sum(it.answerable for it in items),
        "candidates": len(y),
        "positive_candidates": int(y.sum()),
        "l2": L2,
        "cross_validation": {"folds": FOLDS, **{k: round(v, 4) for k, v in best.items()}},
        "seconds": round(time.perf_counter() - started, 1),
    })
    if out is not None:
        out.write_text(model.to_json() + "\n", encoding="utf-8")
    return model


def parse_pair(spec: str) -> tuple[Path, list[Path]]:
    """"GOLD=CORPUS[,CORPUS...]" -> (gold path, corpus paths)."""
    gold, sep, corpus = spec.partition("=")
    if not sep or not corpus:
        raise ConfigError(f"--fit takes GOLD=CORPUS[,CORPUS...], got {spec!r}")
    return Path(gold), [Path(p) for p in corpus.split(",") if p]
