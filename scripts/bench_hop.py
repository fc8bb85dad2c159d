"""The keyed path's own cost, in one run: `POST /v1/infer/hate-speech` with an API key on
`magpie serve`, against a bare Hummingbird server's POST that decodes the same JSON body and
answers a constant (Benchmarks/BareServer), in alternating rounds with both servers up;
then the keyed path's CPU time and context switches per request, read from /proc
(scripts/cpu-per-request). Servers on core 0, wrk on core 1.

  MAGPIE=path/to/magpie BARE=path/to/BareServer ROUNDS=3 DURATION=5s SERVE_ARGS=... python3 scripts/bench_hop.py

Prints one line per round, the medians, and one JSON line.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import ROOT, TEXT, bench_key, post_lua, start, stop, wait_for, wrk  # noqa: E402

MAGPIE = os.environ.get("MAGPIE", os.path.join(ROOT, ".build/release/magpie"))
BARE = os.environ.get("BARE", os.path.join(ROOT, ".build/release/BareServer"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
MODELS = os.environ.get("MODELS", os.path.join(ROOT, "models"))
# More `magpie serve` flags, to see what a part costs: "--log-level notice" (no request lines).
SERVE_ARGS = os.environ.get("SERVE_ARGS", "").split()


def cpu_per_request(pid, port, lua):
    output = subprocess.run(
        [os.path.join(ROOT, "scripts/cpu-per-request"), str(pid), str(port), "16", "/v1/infer/hate-speech", lua,
         os.environ.get("DURATION", "10s")], capture_output=True, text=True, check=True).stdout
    match = re.search(r"([\d.]+) req/s, (\d+) us CPU and ([\d.]+) context switches", output)
    return {"rps": float(match.group(1)), "cpu_us": int(match.group(2)), "context_switches": float(match.group(3))}


def main():
    work = tempfile.mkdtemp(prefix="magpie-hop-")
    env = {"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")}
    key = bench_key(MAGPIE, env)
    keyed_lua, open_lua = post_lua(work, key), post_lua(work)
    body = json.dumps({"text": TEXT})
    magpie = start([MAGPIE, "serve", "--port", "18201", "--models", MODELS] + SERVE_ARGS, env)
    bare = start([BARE, "18202"])
    rounds = []
    try:
        wait_for(18201, "POST", "/v1/infer/hate-speech", body, {"Content-Type": "application/json", "x-api-key": key})
        wait_for(18202, "POST", "/v1/infer/hate-speech", body, {"Content-Type": "application/json"})
        for number in range(ROUNDS):
            keyed = wrk(18201, "/v1/infer/hate-speech", 16, keyed_lua)["rps"]
            bare_post = wrk(18202, "/v1/infer/hate-speech", 16, open_lua)["rps"]
            rounds.append((keyed, bare_post))
            print(f"round {number + 1}: keyed {keyed:8.0f} req/s, bare POST {bare_post:8.0f} req/s, "
                  f"ratio {keyed / bare_post:.2f}")
        cost = cpu_per_request(magpie.pid, 18201, keyed_lua)
    finally:
        stop(magpie)
        stop(bare)
    ratio = statistics.median(k / b for k, b in rounds)
    print(f"median ratio keyed / bare POST: {ratio:.2f}; keyed path: {cost['cpu_us']} us CPU and "
          f"{cost['context_switches']:.2f} context switches per request at {cost['rps']:.0f} req/s")
    print(json.dumps({"rounds": rounds, "ratio": ratio, **cost}))


if __name__ == "__main__":
    main()
