#!/usr/bin/env python3
"""Runs Benchmarks/EncoderBenchmarks (Magpie) and scripts/bench_encoders_reference.py (ONNX
Runtime, PyTorch) on all-MiniLM-L6-v2 in interleaved rounds (Magpie, ORT, PyTorch, Magpie, ...),
so that a noisy neighbour slows every engine alike, and prints each figure (the median over the
rounds) beside the references with ratios. Load to first output is timed from outside, exec to
the printed embedding, median of 5 runs of each.

Usage: scripts/bench-encoders  (installs the references, fetches the model, builds Magpie)
       ROUNDS=5 scripts/bench-encoders  (more rounds, steadier figures; default 3)
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = sys.argv[1]
MAGPIE = [str(ROOT / ".build/release/EncoderBenchmarks"), MODEL]
REFERENCE = [sys.executable, str(ROOT / "scripts/bench_encoders_reference.py")]
ROUNDS = int(os.environ.get("ROUNDS", "3"))


def run_json(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])


def first_output(command):
    """Exec to exit after the first embedding, and the process's resident memory then."""
    walls, rss = [], []
    for _ in range(5):
        start = time.perf_counter()
        result = run_json(command + ["--first-output"])
        walls.append((time.perf_counter() - start) * 1000)
        rss.append(result["rss_mb"])
    return statistics.median(walls), statistics.median(rss)


engines = {
    "Magpie": MAGPIE,
    "ONNX Runtime": REFERENCE + ["onnxruntime", MODEL],
    "PyTorch": REFERENCE + ["torch", MODEL],
    "Magpie int8": MAGPIE + ["--int8"],
    "ORT int8": REFERENCE + ["onnxruntime-int8", MODEL],
}
FLOAT_ENGINES = ["Magpie", "ONNX Runtime", "PyTorch"]
rounds = {name: [] for name in engines}
for round_number in range(ROUNDS):
    for name, command in engines.items():
        print(f"round {round_number + 1}/{ROUNDS}: {name}", file=sys.stderr)
        rounds[name].append(run_json(command))
results = {name: runs[-1] for name, runs in rounds.items()}
starts = {name: first_output(engines[name]) for name in FLOAT_ENGINES}


def find(name, threads, tokens, batch=False):
    """The run's figures, each the median over the rounds."""
    matches = [
        run
        for result in rounds[name]
        for run in result["runs"]
        if run["threads"] == threads and run["tokens"] == tokens and ("batch" in run) == batch
    ]
    if not matches:
        raise KeyError((name, threads, tokens, batch))
    return {key: statistics.median(run[key] for run in matches) for key in matches[0]}


print(f"all-MiniLM-L6-v2, median of {ROUNDS} interleaved rounds")
print("one text (median ms; ratio = Magpie / reference, below 1 is faster)")
print(f"{'threads':>7} {'tokens':>6} {'Magpie':>8} {'ORT':>8} {'PyTorch':>8} {'÷ ORT':>6} {'÷ PyTorch':>9} {'Magpie GFLOP/s':>14}")
for threads in [1, 2]:
    for tokens in [16, 64, 128]:
        magpie, ort, torch = (find(name, threads, tokens)["p50_ms"] for name in FLOAT_ENGINES)
        gflops = find("Magpie", threads, tokens)["gflops"]
        print(f"{threads:>7} {tokens:>6} {magpie:8.2f} {ort:8.2f} {torch:8.2f} {magpie / ort:6.2f} {magpie / torch:9.2f} {gflops:14.1f}")
print()
print("batch of 32 at 64 tokens (texts/s; ratio = Magpie / reference, above 1 is faster)")
for threads in [1, 2]:
    magpie, ort, torch = (find(name, threads, 64, batch=True)["texts_per_second"] for name in FLOAT_ENGINES)
    gflops = find("Magpie", threads, 64, batch=True)["gflops"]
    print(f"  {threads} thread(s): Magpie {magpie:.1f}, ORT {ort:.1f}, PyTorch {torch:.1f}"
          f" ({magpie / ort:.2f}x ORT, {magpie / torch:.2f}x PyTorch); Magpie {gflops:.1f} GFLOP/s")
print()
print("int8 (magpie quantize; ONNX Runtime's quantize_dynamic, per channel): one text in ms, batches in texts/s")
print(f"{'threads':>7} {'load':>10} {'Magpie fp32':>11} {'Magpie int8':>11} {'ORT int8':>9} {'int8 ÷ fp32':>11} {'int8 ÷ ORT int8':>15}")
for threads in [1, 2]:
    for tokens in [16, 64, 128]:
        fp32, int8, ort8 = (find(name, threads, tokens)["p50_ms"] for name in ["Magpie", "Magpie int8", "ORT int8"])
        print(f"{threads:>7} {f'{tokens} tokens':>10} {fp32:11.2f} {int8:11.2f} {ort8:9.2f} {int8 / fp32:11.2f} {int8 / ort8:15.2f}")
    fp32, int8, ort8 = (find(name, threads, 64, batch=True)["texts_per_second"] for name in ["Magpie", "Magpie int8", "ORT int8"])
    print(f"{threads:>7} {'32 × 64':>10} {fp32:11.1f} {int8:11.1f} {ort8:9.1f} {int8 / fp32:10.2f}x {int8 / ort8:14.2f}x")
print("(one text: time ratios, below 1 is faster; batches: rate ratios, above 1 is faster)")
print()
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
print(f"CPU: {cpu}; Magpie's kernels: {results['Magpie']['kernel_path']} (MAGPIE_KERNELS chooses a narrower path)")
print(f"OpenBLAS ({results['Magpie']['openblas_kernels']} kernels) sgemm alone on the forward pass's shapes (GFLOP/s):",
      ", ".join(f"{p['threads']} thread(s) {p['rows']} rows {p['gflops']:.1f}" for p in results["Magpie"]["sgemm_peak"]))
print()
weights = results["Magpie"]["weights_mb"]
print("exec to first embedding (median of 5), and resident memory then:")
for name in FLOAT_ENGINES:
    wall, rss = starts[name]
    print(f"  {name}: {wall:.0f} ms, {rss:.0f} MB")
print(f"  Magpie in-process load to first output: {results['Magpie']['load_to_first_output_ms']:.0f} ms")
print(f"resident memory after the whole run: Magpie {results['Magpie']['rss_mb']:.0f} MB"
      f" (weights {weights:.0f} MB + {results['Magpie']['rss_mb'] - weights:.0f} MB),"
      f" ONNX Runtime {results['ONNX Runtime']['rss_mb']:.0f} MB, PyTorch {results['PyTorch']['rss_mb']:.0f} MB")
