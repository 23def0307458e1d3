"""``python -m bench``: the same benchmark as ``tip-assistant bench``, with a few extra options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.run import DEFAULT_BACKENDS, DEFAULT_SIZES, RESULTS_PATH, run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma list of seed, factbook, full, full10x")
    parser.add_argument("--backends", default=DEFAULT_BACKENDS,
                        help="comma list of embedding backends to measure: torch, onnx, openvino (torch is the "
                             "reference; default: torch,onnx, and openvino where it is installed)")
    parser.add_argument("--out", type=Path, nargs="?", const=RESULTS_PATH, default=None, metavar="FILE",
                        help=f"write the JSON results here (bare --out: {RESULTS_PATH})")
    parser.add_argument("--queries", type=int, default=40, help="timed queries per corpus")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile bot.ask on the last size and print the top functions by cumulative time")
    parser.add_argument("--full10x-build", action="store_true",
                        help="embed every chunk of a corpus even when that is estimated to take over 25 minutes "
                             "(the index is cached for later runs)")
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="where generated corpora and long-to-build indexes are kept "
                             "(default: ~/.cache/tip-assistant/bench)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_cli(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
