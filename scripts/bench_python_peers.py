#!/usr/bin/env python3
"""Magpie against the Python model servers, on the same model, the same machine, the same load.

The model: all-MiniLM-L6-v2 fine-tuned here by `magpie train --fine-tune` (one epoch on 600
tweets), served natively by `magpie serve` (dynamic batching on, the default) and, exported to
ONNX, by LitServe, BentoML and MLServer, each with its own adaptive batching over ONNX Runtime
on one thread (scripts/peers/). Each server runs on core 0 and `magpie bench` on core 1: tweets
at 32 connections for DURATION, after a warm-up. Per server: requests per second, p50 and p99,
and the resident memory of its whole process tree after the load. Servers alternate for ROUNDS
rounds; each figure is the median. A peer that fails to install or start is reported, not
hidden.

Usage: scripts/bench-python-peers  (builds Magpie, fetches the model, installs the peers into a
       virtual environment under ~/.cache/magpie)
       ROUNDS=3 DURATION=15s scripts/bench-python-peers
       SERVERS=Magpie,MLServer scripts/bench-python-peers  (a subset)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench_transformer_serving import MAGPIE, ROOT, bench_key, run, texts, training_slice

ENCODER = sys.argv[1]
VENV = sys.argv[2]
ROUNDS = int(os.environ.get("ROUNDS", "2"))
# A comma-separated subset of the servers to run, e.g. SERVERS=Magpie,MLServer; all by default.
SELECTED = os.environ.get("SERVERS")
DURATION = os.environ.get("DURATION", "10s")
CONNECTIONS = 32
SERVER_CORE, CLIENT_CORE = "0", "1"
PORT = 18313
PEERS = os.path.join(ROOT, "scripts/peers")


def fine_tune(work, rows):
    data = training_slice(work, rows)
    model = os.path.join(work, "models/minilm")
    run([MAGPIE, "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder", ENCODER,
         "--fine-tune", "--epochs", "1", "--max-length", "128", "--output", model])
    onnx = os.path.join(work, "minilm.onnx")
    export = f"""
import torch
from transformers import AutoModelForSequenceClassification
model = AutoModelForSequenceClassification.from_pretrained({model!r}).eval().requires_grad_(False)
class Logits(torch.nn.Module):
    def forward(self, input_ids, attention_mask):
        return model(input_ids=input_ids, attention_mask=attention_mask).logits
example = torch.ones((1, 16), dtype=torch.int64)
torch.onnx.export(Logits(), (example, torch.ones_like(example)), {onnx!r}, input_names=["input_ids", "attention_mask"],
                  output_names=["logits"], dynamic_axes={{n: {{0: "batch", 1: "tokens"}} for n in ["input_ids", "attention_mask"]}},
                  opset_version=17, dynamo=False)
"""
    subprocess.run([sys.executable, "-c", export], check=True, capture_output=True)
    return model, onnx


def servers(work, model, onnx):
    """name: (command, environment, ready path, request path, body template)."""
    python = os.path.join(VENV, "bin/python")
    env = {"MODEL_DIR": model, "MODEL_ONNX": onnx, "OMP_NUM_THREADS": "1", "PYTHONPATH": PEERS}
    config = os.path.join(work, "magpie.yaml")
    with open(config, "w") as out:
        out.write(f"models:\n  minilm: {{path: {model}, provisioned: true}}\n")
    mlserver = os.path.join(work, "mlserver")
    os.makedirs(os.path.join(mlserver, "minilm"), exist_ok=True)
    with open(os.path.join(mlserver, "settings.json"), "w") as out:
        # In-process inference: MLServer 1.7's worker pool dies at start under the uvloop its
        # dependencies install ("There is no current event loop"), and one process is also
        # what the other servers run.
        json.dump({"http_port": PORT, "grpc_port": PORT + 1, "metrics_port": PORT + 2, "parallel_workers": 0}, out)
    with open(os.path.join(mlserver, "minilm", "model-settings.json"), "w") as out:
        json.dump({"name": "minilm", "implementation": "mlserver_runtime.ClassifierRuntime", "max_batch_size": 64,
                   "max_batch_time": 0.005}, out)
    return {
        "Magpie": ([MAGPIE, "serve", "--config", config, "--port", str(PORT)],
                   {"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")}, "/ready", "/v1/infer/minilm",
                   '{"text": "$TEXT"}'),
        "LitServe": ([python, os.path.join(PEERS, "litserve_server.py"), str(PORT)], env, "/health", "/predict",
                     '{"text": "$TEXT"}'),
        "BentoML": ([os.path.join(VENV, "bin/bentoml"), "serve", "bentoml_service:Classifier", "--port", str(PORT),
                     "--working-dir", PEERS], env, "/readyz", "/classify_texts", '{"texts": ["$TEXT"]}'),
        "MLServer": ([os.path.join(VENV, "bin/mlserver"), "start", mlserver], env, "/v2/health/ready",
                     "/v2/models/minilm/infer",
                     '{"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["$TEXT"]}]}'),
    }


def tree_memory_mb(pid):
    """Resident memory of `pid` and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        try:
            for line in open(f"/proc/{current}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def start(command, env, ready, log):
    process = subprocess.Popen(["taskset", "-c", SERVER_CORE] + command, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **env}, cwd=PEERS, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{ready}", timeout=1) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("not ready within 180 s")


def stop(process):
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)
        process.wait()


def load(key, tweets, path, template):
    result = run(["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", f"http://127.0.0.1:{PORT}{path}", "--header",
                  f"x-api-key: {key}", "--texts", tweets, "--template", template, "--concurrency", str(CONNECTIONS),
                  "--duration", DURATION, "--warmup", "3s", "--timeout", "30s", "--json"])
    report = json.loads(result.stdout)
    if report["succeeded"] != report["requests"]:
        raise RuntimeError(f"failed requests: {report['status_counts']}")
    return {"rps": report["requests_per_second"], "p50": report["latency_ms"]["p50"], "p99": report["latency_ms"]["p99"]}


def main():
    work = tempfile.mkdtemp(prefix="magpie-peers-")
    key = bench_key({"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")})
    tweets, _, rows = texts(work)
    model, onnx = fine_tune(work, rows)
    setups = servers(work, model, onnx)
    if SELECTED:
        setups = {name: setup for name, setup in setups.items() if name in SELECTED.split(",")}
    results = {name: [] for name in setups}
    failures = {}
    for round_number in range(ROUNDS):
        for name, (command, env, ready, path, template) in setups.items():
            if name in failures:
                continue
            print(f"round {round_number + 1}/{ROUNDS}: {name}", file=sys.stderr)
            log_path = os.path.join(work, f"{name}.log")
            with open(log_path, "a") as log:
                try:
                    process = start(command, env, ready, log)
                except RuntimeError as error:
                    failures[name] = f"{error}; log: {log_path}"
                    continue
                try:
                    figures = load(key, tweets, path, template)
                    figures["rss"] = tree_memory_mb(process.pid)
                    results[name].append(figures)
                except (RuntimeError, subprocess.CalledProcessError) as error:
                    failures[name] = f"{error}; log: {log_path}"
                finally:
                    stop(process)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"fine-tuned MiniLM, tweets, {CONNECTIONS} connections, {cpu}, server on core {SERVER_CORE}, load on core "
          f"{CLIENT_CORE}, median of {ROUNDS} rounds")
    print(f"{'server':<10} {'req/s':>8} {'p50 (ms)':>9} {'p99 (ms)':>9} {'memory (MB)':>12}")
    summary = {}
    for name, runs in results.items():
        if not runs:
            continue
        median = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "rss")}
        summary[name] = median
        print(f"{name:<10} {median['rps']:>8.1f} {median['p50']:>9.0f} {median['p99']:>9.0f} {median['rss']:>12.0f}")
    peers = [name for name in summary if name != "Magpie"]
    if "Magpie" in summary and peers:
        best = max(peers, key=lambda name: summary[name]["rps"])
        magpie = summary["Magpie"]
        print(f"Magpie ÷ the best peer ({best}): throughput {magpie['rps'] / summary[best]['rps']:.2f}x, p99 "
              f"{magpie['p99'] / summary[best]['p99']:.2f}x; memory ÷ the lightest peer "
              f"{magpie['rss'] / min(summary[name]['rss'] for name in peers):.2f}")
    for name, reason in failures.items():
        print(f"{name}: not measured: {reason}")
    print(json.dumps({"results": summary, "failures": failures}, sort_keys=True))
    if not failures:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
