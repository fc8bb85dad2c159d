#!/usr/bin/env python3
"""A MiniLM classifier (a head over all-MiniLM-L6-v2, trained here on 600 tweets of the
hate-speech data) served by `magpie serve` with batching on (the default) and off, under the
same closed-loop load from `magpie bench`: tweets at 1 and 32 connections, and IMDB reviews
(cut at 256 tokens by the model) at 32. The server runs on core 0, the load on core 1; the two
configurations alternate for ROUNDS rounds and each figure is the median. Prints a table with
the ratios, then one JSON line.

Usage: scripts/bench-transformer-serving  (builds Magpie, fetches the model)
       ROUNDS=3 DURATION=10s scripts/bench-transformer-serving
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MAGPIE = os.path.join(ROOT, ".build/release/magpie")
ENCODER = sys.argv[1]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = os.environ.get("DURATION", "10s")
SERVER_CORE, CLIENT_CORE = "0", "1"
SHARED = os.path.join(ROOT, "..", "shared", "data")


def run(command, env=None):
    return subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})})


def texts(work):
    """One file of tweets, one of IMDB reviews: a text per line."""
    tweets, reviews = os.path.join(work, "tweets.txt"), os.path.join(work, "reviews.txt")
    with open(os.path.join(ROOT, "data/hate-speech/labeled_data.csv"), newline="") as source:
        rows = list(csv.DictReader(source))
    with open(tweets, "w") as out:
        for row in rows[:2000]:
            out.write(" ".join(row["tweet"].split()) + "\n")
    imdb = os.environ.get("IMDB", os.path.join(SHARED, "sentiment/train.csv"))
    with open(imdb, newline="") as source:
        reader = csv.DictReader(source)
        column = "text" if "text" in reader.fieldnames else reader.fieldnames[0]
        with open(reviews, "w") as out:
            for index, row in enumerate(reader):
                if index == 500:
                    break
                out.write(" ".join(row[column].split()) + "\n")
    return tweets, reviews, rows


def training_slice(work, rows, per_class=200):
    """A CSV of the last `per_class` tweets of each class, to train on."""
    data = os.path.join(work, "train.csv")
    by_class = {}
    for row in rows:
        by_class.setdefault(row["class"], []).append(row)
    with open(data, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["tweet", "class"])
        writer.writeheader()
        for members in by_class.values():
            for row in members[-per_class:]:
                writer.writerow({"tweet": row["tweet"], "class": row["class"]})
    return data


def train(work, rows):
    data = training_slice(work, rows)
    model = os.path.join(work, "models/minilm")
    run([MAGPIE, "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder", ENCODER,
         "--output", model])
    return model


def serve(work, model, batching, env):
    config = os.path.join(work, f"config-{batching}.yaml")
    with open(config, "w") as out:
        out.write(f"models:\n  minilm: {{path: {model}, provisioned: true, batching: {batching}}}\n")
    process = subprocess.Popen(["taskset", "-c", SERVER_CORE, MAGPIE, "serve", "--config", config, "--port", "18311"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
    return ready(process, 18311)


def ready(process, port, within=120):
    """`process` once `magpie serve` in it answers /ready with 200."""
    deadline = time.time() + within
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("magpie serve did not become ready")


def bench_key(env):
    """A key on a plan no benchmark can exhaust, in the database `env` names."""
    run([MAGPIE, "plans", "create", "--name", "bench", "--quota", "1000000000/month", "--rate", "1000000000", "--burst",
         "1000000000"], env)
    return run([MAGPIE, "keys", "create", "--name", "bench", "--plan", "bench"], env).stdout.strip().splitlines()[-1]


def bench(key, texts_file, connections):
    result = run(["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", "http://127.0.0.1:18311/v1/infer/minilm",
                  "--header", f"x-api-key: {key}", "--texts", texts_file, "--concurrency", str(connections),
                  "--duration", DURATION, "--warmup", "2s", "--json"])
    report = json.loads(result.stdout)
    assert report["succeeded"] == report["requests"], report["status_counts"]
    return {"rps": report["requests_per_second"], "p50": report["latency_ms"]["p50"], "p99": report["latency_ms"]["p99"]}


def main():
    work = tempfile.mkdtemp(prefix="magpie-transformer-bench-")
    env = {"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")}
    key = bench_key(env)
    tweets, reviews, rows = texts(work)
    model = train(work, rows)
    loads = {"tweets, 1 connection": (tweets, 1), "tweets, 32 connections": (tweets, 32),
             "reviews, 32 connections": (reviews, 32)}
    results = {batching: {name: [] for name in loads} for batching in ("true", "false")}
    for round_number in range(ROUNDS):
        for batching in ("true", "false"):
            print(f"round {round_number + 1}/{ROUNDS}: batching {batching}", file=sys.stderr)
            process = serve(work, model, batching, env)
            try:
                for name, (texts_file, connections) in loads.items():
                    results[batching][name].append(bench(key, texts_file, connections))
            finally:
                process.terminate()
                process.wait()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"MiniLM head, {cpu}, server on core {SERVER_CORE}, load on core {CLIENT_CORE}, median of {ROUNDS} rounds")
    print(f"{'load':<26} {'batched req/s':>13} {'alone req/s':>11} {'ratio':>6} {'p50 b/a (ms)':>15} {'p99 b/a (ms)':>15}")
    summary = {}
    for name in loads:
        median = {b: {k: statistics.median(r[k] for r in results[b][name]) for k in ("rps", "p50", "p99")}
                  for b in results}
        on, off = median["true"], median["false"]
        summary[name] = {"batched": on, "alone": off, "throughput_ratio": on["rps"] / off["rps"]}
        print(f"{name:<26} {on['rps']:>13.1f} {off['rps']:>11.1f} {on['rps'] / off['rps']:>6.2f} "
              f"{on['p50']:>7.1f}/{off['p50']:<7.1f} {on['p99']:>7.1f}/{off['p99']:<7.1f}")
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
