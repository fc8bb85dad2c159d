"""Throughput, latency, cold start and memory of `magpie serve`, against a bare Hummingbird
server (the floor a Swift HTTP server can reach here) and FastAPI + scikit-learn (the
reference stack), all in one run on this machine. Servers run on core 0, wrk on core 1.
Magpie and the bare server are built alike (scripts/build-release, Swift libraries linked
statically); the bare server built the default way, with them linked dynamically, is timed
too, for cold start only.

Prints a table of figures and ratios, then one JSON line.
"""
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MAGPIE = os.path.join(ROOT, ".build/release/magpie")
BARE = os.path.join(ROOT, ".build/release/BareServer")
BARE_DYNAMIC = os.path.join(ROOT, ".build/dynamic/release/BareServer")
DURATION = os.environ.get("DURATION", "10s")
COLD_RUNS = int(os.environ.get("COLD_RUNS", "9"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
TEXT = "you are a stupid bitch and i hate you"
SERVER_CORE, CLIENT_CORE = "0", "1"


def request(port, method, path, body=None, headers=None, timeout=5):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_for(port, method, path, body=None, headers=None, expect=200, deadline=60):
    """Polls until `expect`; returns seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline:
        try:
            if request(port, method, path, body, headers) == expect:
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError(f"no {expect} from 127.0.0.1:{port}{path} within {deadline} s")


def start(command, env=None):
    return subprocess.Popen(
        ["taskset", "-c", SERVER_CORE] + command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})})


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def resident_mb(process):
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wrk(port, path, connections, lua=None):
    command = ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{connections}", f"-d{DURATION}", "--latency"]
    if lua:
        command += ["-s", lua]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"non-2xx responses from {path}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(name):
        match = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]

    return {"rps": rate, "p50_ms": percentile("50"), "p99_ms": percentile("99")}


def post_lua(directory, key=None):
    path = os.path.join(directory, f"post-{'key' if key else 'open'}.lua")
    with open(path, "w") as handle:
        handle.write('wrk.method = "POST"\n')
        handle.write(f"wrk.body = {json.dumps(json.dumps({'text': TEXT}))}\n")
        handle.write('wrk.headers["Content-Type"] = "application/json"\n')
        if key:
            handle.write(f'wrk.headers["x-api-key"] = "{key}"\n')
    return path


def bench_key(magpie, env):
    """A key on a plan no benchmark can exhaust, in the database `env` names."""
    subprocess.run([magpie, "plans", "create", "--name", "bench", "--quota", "1000000000/month", "--rate", "1000000000",
                    "--burst", "1000000000"], env={**os.environ, **env}, check=True, capture_output=True)
    return subprocess.run([magpie, "keys", "create", "--name", "bench", "--plan", "bench"], env={**os.environ, **env},
                          check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]


def main():
    work = tempfile.mkdtemp(prefix="magpie-bench-")
    results = {}
    try:
        env = {"MAGPIE_DATABASE": os.path.join(work, "magpie.sqlite")}
        key = bench_key(MAGPIE, env)
        keyed_lua, open_lua = post_lua(work, key), post_lua(work)
        body = json.dumps({"text": TEXT})
        headers = {"Content-Type": "application/json", "x-api-key": key}
        reference_model = os.path.join(work, "reference.joblib")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts/bench_serve_reference.py"), "train", reference_model],
                       check=True)

        # Cold starts: process exec to the first good answer, median of COLD_RUNS.
        cold = {"magpie": [], "bare": [], "bare_dynamic": [], "python": []}
        for run in range(COLD_RUNS):
            process = start([MAGPIE, "serve", "--port", "18201", "--models", os.path.join(ROOT, "models")], env)
            cold["magpie"].append(wait_for(18201, "POST", "/v1/infer/hate-speech", body, headers))
            stop(process)
            process = start([BARE, "18202"])
            cold["bare"].append(wait_for(18202, "GET", "/"))
            stop(process)
            process = start([BARE_DYNAMIC, "18202"])
            cold["bare_dynamic"].append(wait_for(18202, "GET", "/"))
            stop(process)
            if run < 2:  # the Python stack takes seconds; two runs are enough to see it
                process = start([sys.executable, "-m", "uvicorn", "bench_serve_reference:app", "--port", "18203",
                                 "--app-dir", os.path.join(ROOT, "scripts"), "--log-level", "warning"],
                                {"MODEL": reference_model})
                cold["python"].append(wait_for(18203, "POST", "/v1/infer/hate-speech", body,
                                               {"Content-Type": "application/json"}))
                stop(process)
        for name, values in cold.items():
            results[f"cold_start_{name}_ms"] = statistics.median(values) * 1000

        # Throughput and latency, one server at a time.
        magpie = start([MAGPIE, "serve", "--port", "18201", "--models", os.path.join(ROOT, "models")], env)
        wait_for(18201, "POST", "/v1/infer/hate-speech", body, headers)
        results["magpie_noop"] = wrk(18201, "/health", 16)
        results["magpie_infer_16"] = wrk(18201, "/v1/infer/hate-speech", 16, keyed_lua)
        results["magpie_infer_1"] = wrk(18201, "/v1/infer/hate-speech", 1, keyed_lua)
        results["magpie_rss_mb"] = resident_mb(magpie)
        # Keyed infer against a bare server's POST that decodes the same body, in alternating
        # rounds with both servers up, so the machine's drift falls on both alike.
        bare = start([BARE, "18202"])
        wait_for(18202, "POST", "/v1/infer/hate-speech", body, {"Content-Type": "application/json"})
        pairs = []
        for _ in range(ROUNDS):
            keyed = wrk(18201, "/v1/infer/hate-speech", 16, keyed_lua)
            bare_post = wrk(18202, "/v1/infer/hate-speech", 16, open_lua)
            pairs.append((keyed["rps"], bare_post["rps"]))
        stop(bare)
        results["keyed_vs_bare_post_rounds"] = pairs
        results["keyed_vs_bare_post"] = statistics.median(keyed / bare for keyed, bare in pairs)
        stop(magpie)

        bare = start([BARE, "18202"])
        wait_for(18202, "GET", "/")
        results["bare_16"] = wrk(18202, "/", 16)
        results["bare_rss_mb"] = resident_mb(bare)
        stop(bare)

        python = start([sys.executable, "-m", "uvicorn", "bench_serve_reference:app", "--port", "18203",
                        "--app-dir", os.path.join(ROOT, "scripts"), "--log-level", "warning"], {"MODEL": reference_model})
        wait_for(18203, "POST", "/v1/infer/hate-speech", body, {"Content-Type": "application/json"})
        results["python_16"] = wrk(18203, "/v1/infer/hate-speech", 16, open_lua)
        results["python_1"] = wrk(18203, "/v1/infer/hate-speech", 1, open_lua)
        results["python_rss_mb"] = resident_mb(python)
        stop(python)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    r = results
    rows = [
        ("(a) keyed infer vs no-op route, same server (req/s)", r["magpie_infer_16"]["rps"], "magpie /health",
         r["magpie_noop"]["rps"], r["magpie_infer_16"]["rps"] / r["magpie_noop"]["rps"], "target >= 0.70"),
        ("    keyed infer vs bare POST, median of rounds", statistics.median(k for k, _ in r["keyed_vs_bare_post_rounds"]),
         "bare POST infer", statistics.median(b for _, b in r["keyed_vs_bare_post_rounds"]), r["keyed_vs_bare_post"],
         "target >= 0.5"),
        ("(b) keyed infer vs FastAPI + scikit-learn (req/s)", r["magpie_infer_16"]["rps"], "FastAPI infer",
         r["python_16"]["rps"], r["magpie_infer_16"]["rps"] / r["python_16"]["rps"], "target >= 15"),
        ("    no-op route vs bare Hummingbird (req/s)", r["magpie_noop"]["rps"], "bare GET /", r["bare_16"]["rps"],
         r["magpie_noop"]["rps"] / r["bare_16"]["rps"], ""),
        ("(c) cold start, exec to first 200 with model (ms)", r["cold_start_magpie_ms"], "bare Hummingbird",
         r["cold_start_bare_ms"], r["cold_start_magpie_ms"] / r["cold_start_bare_ms"], "target <= 2"),
        ("    cold start vs bare built the default way (ms)", r["cold_start_magpie_ms"], "bare, dynamic libs",
         r["cold_start_bare_dynamic_ms"], r["cold_start_magpie_ms"] / r["cold_start_bare_dynamic_ms"], ""),
        ("    cold start (ms)", r["cold_start_magpie_ms"], "FastAPI + sklearn", r["cold_start_python_ms"],
         r["cold_start_magpie_ms"] / r["cold_start_python_ms"], ""),
        ("(d) p50 / p99 at 1 connection (ms)", f"{r['magpie_infer_1']['p50_ms']:.3f} / {r['magpie_infer_1']['p99_ms']:.3f}",
         "FastAPI", f"{r['python_1']['p50_ms']:.3f} / {r['python_1']['p99_ms']:.3f}", None, ""),
        ("    p50 / p99 at 16 connections (ms)",
         f"{r['magpie_infer_16']['p50_ms']:.3f} / {r['magpie_infer_16']['p99_ms']:.3f}", "FastAPI",
         f"{r['python_16']['p50_ms']:.3f} / {r['python_16']['p99_ms']:.3f}", None, ""),
        ("(e) resident memory after the load (MB)", r["magpie_rss_mb"], "bare Hummingbird", r["bare_rss_mb"],
         r["magpie_rss_mb"] / r["bare_rss_mb"], "target <= 60 MB"),
        ("    resident memory (MB)", r["magpie_rss_mb"], "FastAPI + sklearn", r["python_rss_mb"],
         r["magpie_rss_mb"] / r["python_rss_mb"], ""),
    ]
    print(f"{'figure':52} {'magpie':>16}   {'reference':20} {'value':>16} {'ratio':>7}  note")
    for name, mine, reference, theirs, ratio, note in rows:
        mine_text = mine if isinstance(mine, str) else f"{mine:.1f}"
        theirs_text = theirs if isinstance(theirs, str) else f"{theirs:.1f}"
        ratio_text = "" if ratio is None else f"{ratio:.2f}"
        print(f"{name:52} {mine_text:>16}   {reference:20} {theirs_text:>16} {ratio_text:>7}  {note}")
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
