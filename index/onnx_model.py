"""A sentence-transformers model folder as the ONNX backend needs it: its layout, and its transformer exported
once to ONNX and cached.

The export runs ``torch.onnx.export`` on the local model (nothing is downloaded) into
``data_home()/models/<model>-<fingerprint>/model.onnx``: written under a temporary name, checked against
PyTorch on a padded batch, then renamed into place, so a crash or a second process exporting at the same
time never leaves a half-written file where a reader looks. The fingerprint hashes the transformer's
config and weights with the export code's version, so a changed model or exporter gets a fresh file.
Tokenisation, pooling and normalisation stay outside the graph (``index.embed.OnnxEmbedder``), read from
the same folder as sentence-transformers reads them.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from index.errors import EmbeddingModelError
from index.settings import data_home

EXPORT_VERSION = 1  # bump when the exported graph changes: cached exports are then redone
OPSET = 17
ONNX_FILE = "model.onnx"
# Pooling modes of sentence-transformers' Pooling module that the ONNX backend reproduces, and the older
# configs' boolean keys for every mode.
POOLING_MODES = ("mean", "cls", "max", "mean_sqrt_len_tokens")
_POOLING_KEYS = {"pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max",
                 "pooling_mode_mean_tokens": "mean", "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
                 "pooling_mode_weightedmean_tokens": "weightedmean", "pooling_mode_lasttoken": "lasttoken"}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# The export is checked on a padded batch: outputs must agree with PyTorch to this absolute tolerance.
EXPORT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ModelLayout:
    """Where a sentence-transformers folder keeps its parts, and how it pools."""

    root: Path
    transformer: Path  # folder of config.json, the weights and tokenizer.json
    max_seq_length: int
    do_lower_case: bool
    pooling: str  # one of POOLING_MODES
    dimension: int
    normalize: bool  # the folder's own Normalize module; the embedder normalises in any case

    @property
    def tokenizer_file(self) -> Path:
        return self.transformer / "tokenizer.json"


def _read_json(path: Path) -> dict | list:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EmbeddingModelError(f"cannot read {path} ({exc}); use --embed-backend torch") from exc


def read_layout(root: Path) -> ModelLayout:
    """The parts of the sentence-transformers model in ``root`` (modules.json and the modules' configs).

    Only Transformer → Pooling (one mode) → optional Normalize is supported; anything else is an
    EmbeddingModelError that names the torch backend as the fix.
    """
    unsupported = f"use --embed-backend torch for the model in {root}"
    modules_file = root / "modules.json"
    if not modules_file.is_file():
        raise EmbeddingModelError(f"{root} is not a sentence-transformers folder (no modules.json); {unsupported}")
    modules = _read_json(modules_file)
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules] if isinstance(modules, list) else []
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise EmbeddingModelError(
            f"the ONNX backend runs Transformer, Pooling and Normalize modules; {root} has {kinds or modules}; "
            + unsupported
        )
    assert isinstance(modules, list)
    transformer = root / modules[0].get("path", "")
    pooling_dir = root / modules[1].get("path", "")
    st_config_file = transformer / "sentence_bert_config.json"
    st_config = _read_json(st_config_file) if st_config_file.is_file() else {}
    assert isinstance(st_config, dict)
    model_config = _read_json(transformer / "config.json")
    assert isinstance(model_config, dict)
    max_seq_length = st_config.get("max_seq_length") or model_config.get("max_position_embeddings") or 512
    pooling_config = _read_json(pooling_dir / "config.json")
    assert isinstance(pooling_config, dict)
    modes = pooling_config.get("pooling_mode")
    if modes is None:
        modes = [mode for key, mode in _POOLING_KEYS.items() if pooling_config.get(key)]
    modes = [modes] if isinstance(modes, str) else list(modes)
    if len(modes) != 1 or modes[0] not in POOLING_MODES or pooling_config.get("include_prompt") is False:
        raise EmbeddingModelError(f"the ONNX backend pools with one of {', '.join(POOLING_MODES)}; {pooling_dir} "
                                  f"asks for {modes}; {unsupported}")
    if not (transformer / "tokenizer.json").is_file():
        raise EmbeddingModelError(f"{transformer} has no tokenizer.json (a fast tokenizer); {unsupported}")
    if not any((transformer / name).is_file() for name in _WEIGHT_FILES):
        raise EmbeddingModelError(f"{transformer} has no {' or '.join(_WEIGHT_FILES)}; {unsupported}")
    dimension = int(pooling_config.get("word_embedding_dimension") or model_config.get("hidden_size") or 0)
    return ModelLayout(root=root, transformer=transformer, max_seq_length=int(max_seq_length),
                       do_lower_case=bool(st_config.get("do_lower_case", False)), pooling=modes[0],
                       dimension=dimension, normalize=kinds[-1] == "Normalize")


def fingerprint(layout: ModelLayout) -> str:
    """A hash of what the exported graph depends on: the transformer's config and weights, the export code."""
    digest = hashlib.sha256(f"tip-assistant onnx export {EXPORT_VERSION} opset {OPSET}\0".encode())
    for name in ("config.json", *_WEIGHT_FILES):
        path = layout.transformer / name
        if path.is_file():
            digest.update(name.encode() + b"\0")
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def export_folder(model: str, layout: ModelLayout, root: Path | None = None) -> Path:
    """The cache folder of a model's export: ``<data home>/models/<model slug>-<fingerprint>``."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", Path(model).name if Path(model).is_absolute() else model)
    return (root or data_home() / "models") / f"{slug.strip('-').lower()}-{fingerprint(layout)[:16]}"


def ensure_onnx(model: str, layout: ModelLayout, root: Path | None = None) -> Path:
    """The cached ONNX file of ``model``, exported first if it is not there yet."""
    folder = export_folder(model, layout, root)
    target = folder / ONNX_FILE
    if target.is_file():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot create the ONNX cache folder {folder}: {exc}") from exc
    tmp = folder / f".{ONNX_FILE}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        inputs = export(layout, tmp)
        info = {"model": model, "source": str(layout.transformer), "inputs": inputs, "opset": OPSET,
                "export_version": EXPORT_VERSION, "fingerprint": fingerprint(layout)}
        (folder / "export.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot write the ONNX export of {model!r} to {folder}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def export(layout: ModelLayout, path: Path) -> list[str]:
    """Export the transformer of ``layout`` to ONNX at ``path`` (token embeddings out, dynamic batch and
    sequence axes) and check it against PyTorch on a padded batch; returns the graph's input names."""
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise EmbeddingModelError(
            f"exporting the model to ONNX needs torch and transformers ({exc}); use --embed-backend torch"
        ) from exc
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise EmbeddingModelError("the ONNX backend needs onnxruntime (pip install onnxruntime); "
                                  "or use --embed-backend torch") from exc
    transformers_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(str(layout.transformer), local_files_only=True, attn_implementation="eager")
    except (OSError, ValueError) as exc:
        raise EmbeddingModelError(f"cannot load {layout.transformer} for the ONNX export: {exc}") from exc
    model.eval()
    accepted = inspect.signature(model.forward).parameters
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted]

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, tensors, strict=True))).last_hidden_state

    def batch(lengths: list[int]) -> tuple[torch.Tensor, ...]:
        width = max(lengths)
        generator = torch.Generator().manual_seed(len(lengths) * 1000 + width)
        ids = torch.randint(1000, 2000, (len(lengths), width), generator=generator)
        mask = torch.tensor([[1] * n + [0] * (width - n) for n in lengths])
        return tuple({"input_ids": ids * mask, "attention_mask": mask,
                      "token_type_ids": torch.zeros_like(ids)}[n] for n in names)

    wrapper = TokenEmbeddings().eval()
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "token_embeddings"]}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer and deprecation chatter; the check below is what counts
            torch.onnx.export(wrapper, batch([9, 16]), str(path), input_names=names,
                              output_names=["token_embeddings"], dynamic_axes=axes, opset_version=OPSET,
                              dynamo=False)
    except Exception as exc:  # the exporter raises many kinds; every one means the same thing to the user
        raise EmbeddingModelError(
            f"exporting {layout.transformer} to ONNX failed ({type(exc).__name__}: {exc}); "
            "use --embed-backend torch"
        ) from exc
    # Other batch and sequence sizes, with padding, must give PyTorch's numbers.
    probe = batch([5, 23, 40])
    with torch.no_grad():
        expected = wrapper(*probe).numpy()
    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        got = session.run(None, {n: t.numpy() for n, t in zip(names, probe, strict=True)})[0]
    except Exception as exc:  # onnxruntime's own exception types
        raise EmbeddingModelError(f"ONNX Runtime cannot run the export of {layout.transformer} ({exc}); "
                                  "use --embed-backend torch") from exc
    mask = probe[names.index("attention_mask")].numpy().astype(bool)
    error = float(abs(got[mask] - expected[mask]).max())
    if got.shape != expected.shape or error > EXPORT_TOLERANCE:
        raise EmbeddingModelError(
            f"the ONNX export of {layout.transformer} disagrees with PyTorch (max error {error:.2g}); "
            "use --embed-backend torch"
        )
    return names
