"""`magpie bench` checked against wrk on the same endpoints in one run: servers pinned to core
0, the load generators to core 1, 16 connections. Keyed classification on `magpie serve`, and a
bare Hummingbird `GET /` (the no-op endpoint: the highest rate either generator reaches here,
with each generator's CPU use, which says whether the generator or the server was the limit).

This host's rate drifts by 20% or more between consecutive 10 s runs of the same generator, more
than the 10% the comparison is held to. So each round interleaves the two generators in SLICES
pairs of SLICE seconds, in ABBA order (wrk, bench, bench, wrk, ...), and compares their mean
rates over the round: a drift slower than a slice then weighs on both alike. The spread of wrk's
own slices shows how noisy the round was. Prints a table, then one JSON line.
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import BARE, CLIENT_CORE, MAGPIE, TEXT, post_lua, start, stop, wait_for  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))
SLICES = int(os.environ.get("SLICES", "6"))
SLICE = float(os.environ.get("SLICE", "2"))


def cpu_of(command):
    """Runs `command`; returns its stdout and the CPU seconds its process tree used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return output, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def magpie_bench(url, key=None):
    command = ["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", url, "--concurrency", "16", "--duration", f"{SLICE:g}s",
               "--json"]
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


def wrk(url, lua=None):
    command = ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", "-c16", f"-d{SLICE:g}s", "--latency"]
    if lua:
        command += ["-s", lua]
    output, cpu = cpu_of(command + [url])
    if "Non-2xx" in output:
        raise RuntimeError(f"non-2xx responses from {url}:\n{output}")

    def percentile(name):
        match = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50_ms": percentile("50"),
            "p99_ms": percentile("99"), "cpu_s": cpu, "seconds": SLICE}


def interleaved_round(url, key=None, lua=None):
    """SLICES pairs of slices in ABBA order; each generator's mean over its slices."""
    slices = {"wrk": [], "bench": []}
    for pair in range(SLICES):
        order = ["wrk", "bench"] if pair % 2 == 0 else ["bench", "wrk"]
        for generator in order:
            slices[generator].append(wrk(url, lua) if generator == "wrk" else magpie_bench(url, key))
    return {generator: {"rps": mean([r["rps"] for r in runs]), "p50_ms": median([r["p50_ms"] for r in runs]),
                        "p99_ms": median([r["p99_ms"] for r in runs]),
                        "cpu_share": sum(r["cpu_s"] for r in runs) / sum(r["seconds"] for r in runs),
                        "slice_rps": [round(r["rps"]) for r in runs]}
            for generator, runs in slices.items()}


def mean(values):
    return sum(values) / len(values)


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
    rounds = {"keyed infer": [], "bare GET /": []}
    try:
        wait_for(18401, "POST", "/v1/infer/hate-speech", json.dumps({"text": TEXT}),
                 {"x-api-key": key, "Content-Type": "application/json"})
        wait_for(18402, "GET", "/")
        for round_number in range(ROUNDS):
            print(f"round {round_number + 1}/{ROUNDS}", file=sys.stderr)
            rounds["keyed infer"].append(interleaved_round("http://127.0.0.1:18401/v1/infer/hate-speech", key, lua))
            rounds["bare GET /"].append(interleaved_round("http://127.0.0.1:18402/"))
    finally:
        stop(magpie)
        stop(bare)
    print(f"16 connections; each round {SLICES} ABBA pairs of {SLICE:g} s slices per generator; "
          "servers on core 0, generators on core 1")
    print(f"{'endpoint':14}{'round':>6}{'wrk req/s':>11}{'bench req/s':>13}{'ratio':>7}{'wrk slices min-max':>21}"
          f"{'p99 ms wrk/bench':>19}{'CPU wrk/bench':>15}")
    ratios = {}
    for endpoint, results in rounds.items():
        ratios[endpoint] = []
        for number, result in enumerate(results, 1):
            wrk_row, bench_row = result["wrk"], result["bench"]
            ratio = bench_row["rps"] / wrk_row["rps"]
            ratios[endpoint].append(round(ratio, 3))
            spread = f"{min(wrk_row['slice_rps'])}-{max(wrk_row['slice_rps'])}"
            print(f"{endpoint:14}{number:>6}{wrk_row['rps']:>11.0f}{bench_row['rps']:>13.0f}{ratio:>7.2f}{spread:>21}"
                  f"{wrk_row['p99_ms']:>9.2f}/{bench_row['p99_ms']:<9.2f}"
                  f"{wrk_row['cpu_share']:>7.0%}/{bench_row['cpu_share']:<7.0%}")
    print(json.dumps({"rounds": rounds, "ratios": ratios}))


if __name__ == "__main__":
    main()
