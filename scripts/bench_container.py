#!/usr/bin/env python3
"""Runs the image `magpie package container` writes under podman, as SageMaker would
(`serve`), beside the same release binary run bare (`magpie serve --sagemaker`), in one run:

- the image's size, for the n-gram model (models/hate-speech) and for all-MiniLM-L6-v2
  fine-tuned for one short epoch on 320 tweets (its size is the weights', whatever the
  training);
- start to first 200 from /ping: `podman run` (or the binary's exec) to the first answer,
  median of RUNS (default 5);
- /invocations latency at 1 and 8 concurrent connections (`magpie bench`, DURATION each,
  default 10s), the server on core 0 and the load generator on core 1.

Usage: scripts/bench-container  (builds the release, fetches MiniLM, then runs this)
"""
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MAGPIE = os.path.join(ROOT, ".build/release/magpie")
MINILM = sys.argv[1]
RUNS = int(os.environ.get("RUNS", "5"))
DURATION = os.environ.get("DURATION", "10s")
SERVER_CORE, CLIENT_CORE = "0", "1"
WORK = tempfile.mkdtemp(prefix="magpie-bench-container-")
RUN_ROOT = "/tmp/pbc-" + os.path.basename(WORK)[-8:]
with open(os.path.join(WORK, "containers.conf"), "w") as conf:
    conf.write("[containers]\ndefault_ulimits = []\n")
PODMAN = [
    "podman", "--storage-driver", "vfs", "--runtime", "runc", "--cgroup-manager", "cgroupfs",
    "--root", os.path.join(WORK, "storage"), "--runroot", RUN_ROOT,
]
ENVIRONMENT = dict(os.environ, CONTAINERS_CONF=os.path.join(WORK, "containers.conf"))


def run(command, **options):
    return subprocess.run(command, check=True, capture_output=True, text=True, env=ENVIRONMENT, **options)


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_200(port, path="/ping"):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status == 200
    except OSError:
        return False


def wait_200(port, start, deadline=60):
    while time.perf_counter() - start < deadline:
        if answers_200(port):
            return (time.perf_counter() - start) * 1000
        time.sleep(0.005)
    raise SystemExit(f"no 200 from port {port} within {deadline} s")


def start_container(name, tag, port, models=None):
    command = PODMAN + ["run", "-d", "--name", name, "--network", "host", "--cpuset-cpus", SERVER_CORE,
                        "-e", f"SAGEMAKER_BIND_TO_PORT={port}", "-e", "MAGPIE_LOG_LEVEL=notice", tag, "serve"]
    start = time.perf_counter()
    run(command)
    return start


def stop_container(name):
    run(PODMAN + ["rm", "--force", "--time", "10", name])


def start_bare(model_dir, port):
    start = time.perf_counter()
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, MAGPIE, "serve", "--sagemaker", "--models", model_dir, "--port", str(port),
         "--database", os.path.join(WORK, f"bare-{port}.sqlite"), "--log-level", "notice"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return start, process


def latency(port, concurrency):
    texts = os.path.join(WORK, "texts.txt")
    report = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", "--duration", DURATION, "--warmup", "1s",
         "--concurrency", str(concurrency), "--template", '{"inputs": "$TEXT"}', "--texts", texts, "--json",
         f"http://127.0.0.1:{port}/invocations"], check=True, capture_output=True, text=True)
    result = json.loads(report.stdout)
    if result["status_counts"] != {"200": result["requests"]}:
        raise SystemExit(f"non-200 answers: {result['status_counts']}")
    return result["latency_ms"]["p50"], result["latency_ms"]["p99"], result["requests_per_second"]


def fine_tuned_minilm():
    data = os.path.join(WORK, "tweets.csv")
    import csv
    rows = list(csv.DictReader(open(os.path.join(ROOT, "../shared/data/hate-speech/labeled_data.csv"), newline="")))
    by_class = {}
    for row in rows:
        by_class.setdefault(row["class"], []).append(row)
    with open(data, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["tweet", "class"])
        writer.writeheader()
        for label in sorted(by_class):
            for row in by_class[label][:107]:
                writer.writerow({"tweet": row["tweet"], "class": label})
    output = os.path.join(WORK, "models-minilm", "hate-speech-minilm")
    run([MAGPIE, "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder", MINILM,
         "--fine-tune", "--epochs", "1", "--max-length", "64", "--validation", "0", "--seed", "42", "--output", output])
    return output


def main():
    with open(os.path.join(WORK, "texts.txt"), "w") as texts:
        import csv
        for index, row in enumerate(csv.DictReader(open(os.path.join(ROOT, "../shared/data/hate-speech/labeled_data.csv"), newline=""))):
            if index >= 500:
                break
            texts.write(" ".join(row["tweet"].split())[:200] + "\n")
    models = {"n-gram": os.path.join(ROOT, "models/hate-speech"), "fine-tuned MiniLM": fine_tuned_minilm()}
    figures = {}
    try:
        for kind, model in models.items():
            tag = "magpie-bench:" + ("ngram" if kind == "n-gram" else "minilm")
            archive = os.path.join(WORK, "image.tar")
            packaged = run([MAGPIE, "package", "container", "--model", model, "--tag", tag, "--output", archive])
            image_mb = float(re.search(r", ([0-9.]+) MB", packaged.stdout).group(1))
            run(PODMAN + ["load", "-i", archive])
            os.remove(archive)
            model_folder = os.path.dirname(model)

            container_starts, bare_starts = [], []
            for index in range(RUNS):
                port = free_port()
                start = start_container(f"start{index}", tag, port)
                container_starts.append(wait_200(port, start))
                stop_container(f"start{index}")
                port = free_port()
                start, process = start_bare(model_folder, port)
                bare_starts.append(wait_200(port, start))
                process.terminate()
                process.wait()

            rows = {}
            port = free_port()
            start_container("latency", tag, port)
            wait_200(port, time.perf_counter())
            for concurrency in [1, 8]:
                rows[("container", concurrency)] = latency(port, concurrency)
            stop_container("latency")
            port = free_port()
            _, process = start_bare(model_folder, port)
            wait_200(port, time.perf_counter())
            for concurrency in [1, 8]:
                rows[("bare", concurrency)] = latency(port, concurrency)
            process.terminate()
            process.wait()
            run(PODMAN + ["rmi", tag])
            figures[kind] = {
                "image_mb": image_mb,
                "start_to_first_200_ms": {"container": statistics.median(container_starts),
                                           "bare": statistics.median(bare_starts)},
                "invocations": {f"{where} c={concurrency}": {"p50_ms": p50, "p99_ms": p99, "per_second": rate}
                                for (where, concurrency), (p50, p99, rate) in rows.items()},
            }
    finally:
        subprocess.run(PODMAN + ["rm", "--all", "--force"], capture_output=True, env=ENVIRONMENT)
        subprocess.run(["rm", "-rf", WORK, RUN_ROOT])

    for kind, figure in figures.items():
        starts = figure["start_to_first_200_ms"]
        print(f"{kind}: image {figure['image_mb']:.1f} MB; start to first 200 (median of {RUNS}): "
              f"container {starts['container']:.0f} ms, bare binary {starts['bare']:.0f} ms "
              f"({starts['container'] / starts['bare']:.1f}x)")
        for name, row in figure["invocations"].items():
            print(f"  /invocations {name}: p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, {row['per_second']:.0f}/s")
    print(json.dumps(figures))


main()
