#!/usr/bin/env python3
"""Ten classifiers over all-MiniLM-L6-v2 (heads trained here on different slices of the
hate-speech tweets), served by one `magpie serve`: 1, 4 and 10 of them at once, with shared
encoders (the default) and, for 10, without (`batching: false`, so each head loads its own
encoder). For each: the server's resident memory once every model has answered (and its peak
under load), and the requests per second of tweets spread evenly over the models at 32
connections in all (one `magpie bench` per model). Server on core 0, load on core 1; each
figure is the median of ROUNDS rounds. Prints a table, then one JSON line.

Usage: scripts/bench-shared-encoders  (builds Magpie, fetches the model)
       ROUNDS=3 DURATION=10s scripts/bench-shared-encoders
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request

from bench_transformer_serving import MAGPIE, bench_key, ready, run, texts

ENCODER = sys.argv[1]
ROUNDS = int(os.environ.get("ROUNDS", "2"))
DURATION = os.environ.get("DURATION", "10s")
CONNECTIONS = 32
SERVER_CORE, CLIENT_CORE = "0", "1"
PORT = 18312


def train_heads(work, rows, count):
    """`count` heads, each on its own 150 tweets of each class."""
    by_class = {}
    for row in rows:
        by_class.setdefault(row["class"], []).append(row)
    models = []
    for index in range(count):
        data = os.path.join(work, f"train-{index}.csv")
        with open(data, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["tweet", "class"])
            writer.writeheader()
            for members in by_class.values():
                for row in members[-150 * (index + 1):][:150]:
                    writer.writerow({"tweet": row["tweet"], "class": row["class"]})
        model = os.path.join(work, f"models/head-{index}")
        run([MAGPIE, "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder",
             ENCODER, "--output", model])
        models.append(model)
    return models


def serve(work, models, batching):
    config = os.path.join(work, f"config-{len(models)}-{batching}.yaml")
    with open(config, "w") as out:
        out.write("models:\n")
        for index, model in enumerate(models):
            out.write(f"  head-{index}: {{path: {model}, provisioned: true, batching: {batching}}}\n")
    process = subprocess.Popen(["taskset", "-c", SERVER_CORE, MAGPIE, "serve", "--config", config, "--port", str(PORT)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")})
    return ready(process, PORT)


def memory_mb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def classify(key, model):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/v1/infer/{model}", data=b'{"text": "a first text"}',
                                     headers={"x-api-key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200


def load(key, count, tweets):
    """Tweets spread over `count` models, CONNECTIONS connections in all, one `magpie bench` each."""
    shares = [CONNECTIONS // count + (1 if index < CONNECTIONS % count else 0) for index in range(count)]
    processes = [subprocess.Popen(
        ["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", f"http://127.0.0.1:{PORT}/v1/infer/head-{index}",
         "--header", f"x-api-key: {key}", "--texts", tweets, "--concurrency", str(share), "--duration", DURATION,
         "--warmup", "2s", "--json"], stdout=subprocess.PIPE, text=True) for index, share in enumerate(shares)]
    reports = [json.loads(process.communicate()[0]) for process in processes]
    for report in reports:
        assert report["succeeded"] == report["requests"], report["status_counts"]
    return {"rps": sum(report["requests_per_second"] for report in reports),
            "p99": max(report["latency_ms"]["p99"] for report in reports)}


def main():
    work = tempfile.mkdtemp(prefix="magpie-shared-encoders-")
    key = bench_key({"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")})
    tweets, _, rows = texts(work)
    models = train_heads(work, rows, 10)
    setups = [(1, "true"), (4, "true"), (10, "true"), (10, "false")]
    results = {setup: [] for setup in setups}
    for round_number in range(ROUNDS):
        for count, batching in setups:
            print(f"round {round_number + 1}/{ROUNDS}: {count} models, batching {batching}", file=sys.stderr)
            process = serve(work, models[:count], batching)
            try:
                for index in range(count):
                    classify(key, f"head-{index}")
                resident = memory_mb(process.pid, "VmRSS")
                figures = load(key, count, tweets)
                figures.update(rss=resident, peak=memory_mb(process.pid, "VmHWM"))
                results[(count, batching)].append(figures)
            finally:
                process.terminate()
                process.wait()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"MiniLM heads, {cpu}, server on core {SERVER_CORE}, load on core {CLIENT_CORE}, {CONNECTIONS} connections, "
          f"median of {ROUNDS} rounds")
    print(f"{'models':<22} {'RSS (MB)':>9} {'÷ one':>6} {'peak (MB)':>10} {'req/s':>7} {'÷ one':>6} {'p99 (ms)':>9}")
    median = {setup: {k: statistics.median(r[k] for r in results[setup]) for k in ("rss", "peak", "rps", "p99")}
              for setup in setups}
    one = median[(1, "true")]
    summary = {}
    for (count, batching), figures in median.items():
        name = f"{count}, " + ("shared" if batching == "true" else "each its own")
        summary[name] = {**figures, "memory_ratio": figures["rss"] / one["rss"], "throughput_ratio": figures["rps"] / one["rps"]}
        print(f"{name:<22} {figures['rss']:>9.0f} {figures['rss'] / one['rss']:>6.2f} {figures['peak']:>10.0f} "
              f"{figures['rps']:>7.1f} {figures['rps'] / one['rps']:>6.2f} {figures['p99']:>9.0f}")
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
