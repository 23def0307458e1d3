"""Does an int8 ONNX model qualify? ``python -m bench.int8`` quantizes the cached fp32 export several ways and
measures each against PyTorch.

The bar (issue "twice the embedding speed with identical vectors"): neighbour recall@10 ≥ 0.99 against
PyTorch exact search, and gold-set answer metrics within 0.01. Recall is measured as the benchmark measures
it (bench.run.recall_against, ties counted as found): the gold questions of ``eval/gold`` against the chunks
of the bundled report plus the factbook narratives. Speed is texts per second over a fixed sample of that
corpus's chunk and sentence texts, each variant timed interleaved with the fp32 model, call by call.
Dynamic quantization (``onnxruntime.quantization.quantize_dynamic``) turns MatMul weights into int8 and
quantizes activations per call; ONNX Runtime picks the CPU's int8 instructions (AVX-512 VNNI, AMX) itself.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import synth
from bench.run import exact_neighbours, recall_against

GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold"
# (name, per-channel weight scales, which MatMul weights to quantize: a regex on the node name)
VARIANTS = (
    ("int8 per-tensor, every MatMul weight", False, r"."),
    ("int8 per-channel, every MatMul weight", True, r"."),
    ("int8 per-channel, all but attention-output and FFN-output", True, r"self/(query|key|value)|intermediate"),
    ("int8 per-channel, Q/K/V only", True, r"self/(query|key|value)"),
    ("int8 per-channel, query only", True, r"self/query"),
)
SPEED_TEXTS = 914
BATCH = 64


class _Variant:
    """An OnnxEmbedder whose session runs another ONNX file."""

    def __init__(self, base, path: Path) -> None:
        import onnxruntime as ort

        self.base = base
        options = ort.SessionOptions()
        options.intra_op_num_threads = base.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = BATCH) -> np.ndarray:
        fp32 = self.base._session
        self.base._session = self.session
        try:
            return self.base.encode(texts, batch_size=batch_size)
        finally:
            self.base._session = fp32


class _Index:
    """Just what exact_neighbours reads: chunk vectors, an embedder, query expansion."""

    def __init__(self, vectors: np.ndarray, embedder) -> None:
        self.stored = type("Stored", (), {"vectors": vectors})()
        self.embedder = embedder

    def expand_query(self, query: str) -> str:
        return query


def quantize(source: Path, target: Path, per_channel: bool, include: str) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in onnx.load(str(source)).graph.node if n.op_type == "MatMul"]
    quantize_dynamic(str(source), str(target), per_channel=per_channel, weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul"], nodes_to_exclude=[n for n in names if not re.search(include, n)],
                     extra_options={"MatMulConstBOnly": True})


def run(log=print) -> list[dict]:
    from index.chunk import chunk_documents
    from index.embed import make_embedder
    from index.onnx_model import ensure_onnx
    from index.parse import load_paths
    from index.store import embedding_texts, sentence_table

    loaded = load_paths([synth.SEED_PATH, synth.default_factbook_dir()])
    chunks = chunk_documents(loaded.documents)
    chunk_texts = [c.text for c in chunks]
    questions = [json.loads(line)["question"] for name in ("seed", "factbook", "blind-dev")
                 for line in (GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    sample = embedding_texts(loaded.documents, chunks, sentence_table(loaded.documents))
    sample = sorted(random.Random(1).sample(sample, min(SPEED_TEXTS, len(sample))), key=len)
    torch = make_embedder("all-MiniLM-L6-v2", "torch")
    onnx = make_embedder("all-MiniLM-L6-v2", "onnx")
    onnx.encode(["load"])
    reference_chunks = torch.encode(chunk_texts)
    reference = exact_neighbours(_Index(reference_chunks, torch), questions)
    reference_questions = torch.encode(questions)
    source = ensure_onnx(onnx.name, onnx.layout())
    rows = []
    with tempfile.TemporaryDirectory(prefix="tip-int8-") as tmp:
        models = [("fp32 export (the onnx backend)", onnx)]
        for n, (label, per_channel, include) in enumerate(VARIANTS):
            path = Path(tmp) / f"variant-{n}.onnx"
            quantize(source, path, per_channel, include)
            models.append((label, _Variant(onnx, path)))
        for label, model in models:
            vectors = model.encode(chunk_texts)
            candidate = exact_neighbours(_Index(vectors, model), questions)
            cosines = np.concatenate([(vectors * reference_chunks).sum(axis=1),
                                      (model.encode(questions) * reference_questions).sum(axis=1)])
            # Speed, interleaved with the fp32 model batch by batch so that both see the same load.
            seconds = {"variant": 0.0, "fp32": 0.0}
            for n, begin in enumerate(range(0, len(sample), BATCH)):
                part = sample[begin : begin + BATCH]
                for key in ("variant", "fp32") if n % 2 == 0 else ("fp32", "variant"):
                    started = time.perf_counter()
                    (model if key == "variant" else onnx).encode(part)
                    seconds[key] += time.perf_counter() - started
            rows.append({"variant": label, "min_cosine": float(cosines.min()),
                         "recall_at_10": recall_against(reference, candidate),
                         "texts_per_s": len(sample) / seconds["variant"],
                         "speed_vs_fp32": seconds["fp32"] / seconds["variant"]})
            log(f"{label}: min cosine {rows[-1]['min_cosine']:.4f}, recall@10 {rows[-1]['recall_at_10']:.3f}, "
                f"{rows[-1]['speed_vs_fp32']:.2f}x the fp32 export")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.int8", description=__doc__)
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = run(log=lambda line: print(line, file=sys.stderr, flush=True))
    print("| variant | min cosine vs torch | recall@10 vs torch | texts/s | × fp32 export | qualifies |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['variant']} | {row['min_cosine']:.4f} | {row['recall_at_10']:.4f} | {row['texts_per_s']:.0f} | "
              f"{row['speed_vs_fp32']:.2f} | {'yes' if row['recall_at_10'] >= 0.99 else 'no'} |")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
