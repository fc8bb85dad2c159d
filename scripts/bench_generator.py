"""`magpie bench` checked against wrk on the same endpoints in one run: servers pinned to core
0, the load generators to core 1, 16 connections. Keyed classification on `magpie serve` (the
issue's "within 15% of wrk" check), and a bare Hummingbird `GET /` (the no-op endpoint: the
highest rate either generator reaches here, with each generator's CPU use, which says whether
the generator or the server was the limit). Rounds alternate wrk and magpie bench so a slow
minute of this shared host slows both. Prints a table, then one JSON line.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import BARE, CLIENT_CORE, DURATION, MAGPIE, TEXT, post_lua, start, stop, wait_for, wrk  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))


def cpu_of(command):
    """Runs `command`; returns its stdout and the CPU seconds its process tree used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return output, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def magpie_bench(url, key=None):
    command = ["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", url, "--concurrency", "16", "--duration", DURATION, "--json"]
    if key:
        command += ["--header", f"x-api-key: {key}", "--body", json.dumps({"text": TEXT})]
    else:
        command += ["--method", "GET"]
    output, cpu = cpu_of(command)
    report = json.loads(output)
    if report["succeeded"] != report["requests"]:
        raise RuntimeError(f"magpie bench saw failures: {report['status_counts']} {report['failure_counts']}")
    return {"rps": report["requests_per_second"], "p50_ms": report["latency_ms"]["p50"],
            "p99_ms": report["latency_ms"]["p99"], "cpu_s": cpu, "seconds": report["seconds"]}


def wrk_with_cpu(port, path, lua=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk(port, path, 16, lua)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    work = tempfile.mkdtemp(prefix="magpie-generator-")
    env = {"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")}
    subprocess.run([MAGPIE, "plans", "create", "--name", "bench", "--quota", "1000000000/month", "--rate", "1000000000",
                    "--burst", "1000000000"], check=True, capture_output=True, env={**os.environ, **env})
    key = subprocess.run([MAGPIE, "keys", "create", "--name", "bench", "--plan", "bench"], check=True, capture_output=True,
                         text=True, env={**os.environ, **env}).stdout.strip().splitlines()[-1]
    lua = post_lua(work, key)
    magpie = start([MAGPIE, "serve", "--port", "18401", "--models", "models", "--log-level", "error"], env)
    bare = start([BARE, "18402"])
    rows = {"wrk_infer": [], "bench_infer": [], "wrk_noop": [], "bench_noop": []}
    try:
        wait_for(18401, "POST", "/v1/infer/hate-speech", json.dumps({"text": TEXT}),
                 {"x-api-key": key, "Content-Type": "application/json"})
        wait_for(18402, "GET", "/")
        for round_number in range(ROUNDS):
            print(f"round {round_number + 1}/{ROUNDS}", file=sys.stderr)
            rows["wrk_infer"].append(wrk_with_cpu(18401, "/v1/infer/hate-speech", lua))
            rows["bench_infer"].append(magpie_bench("http://127.0.0.1:18401/v1/infer/hate-speech", key))
            rows["wrk_noop"].append(wrk_with_cpu(18402, "/"))
            rows["bench_noop"].append(magpie_bench("http://127.0.0.1:18402/"))
    finally:
        stop(magpie)
        stop(bare)
    seconds = float(DURATION.rstrip("s"))
    summary = {name: {"rps": median([r["rps"] for r in runs]), "p50_ms": median([r["p50_ms"] for r in runs]),
                      "p99_ms": median([r["p99_ms"] for r in runs]),
                      "cpu_share": median([r["cpu_s"] for r in runs]) / seconds, "all_rps": [r["rps"] for r in runs]}
               for name, runs in rows.items()}
    print(f"16 connections, {DURATION} a run, median of {ROUNDS} alternating rounds; servers on core 0, generators on core 1")
    print(f"{'':32}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'generator CPU':>15}")
    labels = {"wrk_infer": "wrk, keyed infer", "bench_infer": "magpie bench, keyed infer",
              "wrk_noop": "wrk, bare GET /", "bench_noop": "magpie bench, bare GET /"}
    for name, label in labels.items():
        row = summary[name]
        print(f"{label:32}{row['rps']:>10.0f}{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}{row['cpu_share']:>14.0%}")
    infer_ratio = summary["bench_infer"]["rps"] / summary["wrk_infer"]["rps"]
    noop_ratio = summary["bench_noop"]["rps"] / summary["wrk_noop"]["rps"]
    print(f"magpie bench / wrk throughput: keyed infer {infer_ratio:.2f}, bare GET / {noop_ratio:.2f}")
    print(json.dumps({"summary": summary, "infer_ratio": infer_ratio, "noop_ratio": noop_ratio}))


if __name__ == "__main__":
    main()
