"""The gateway's cost on the remote path, and a SageMaker Serverless-like endpoint's latency
and cold starts through it, in one run on this machine.

Upstream: a `magpie serve` with the bundled model (its Hugging Face `invocations` route is the
upstream's /predict). Gateway: a second `magpie serve` with that upstream configured as a
remote model (format huggingface, its key from the environment). Both servers share core 0,
the load generator runs on core 1, so the two ways of calling compete for the same core:

  direct   load generator -> upstream
  gateway  load generator -> gateway -> upstream

Figures, alternating the two ways over ROUNDS rounds (medians): throughput at 16 connections
(wrk), the gateway's CPU per request (from /proc, its process alone), and latency at a fixed
rate well below saturation (`magpie bench --rate`, open loop, 16 connections), whose p99
difference is the latency the gateway adds. Then `magpie bench --cold-start` through the
gateway to the SageMaker stand-in (scripts/sagemaker_standin.py, SigV4 checked by botocore,
ModelNotReadyException for COLD_FOR seconds after COLD_AFTER idle seconds, LATENCY_MS added),
reporting end-to-end latency and the gateway's share from Server-Timing.

Prints a table, then one JSON line.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import CLIENT_CORE, MAGPIE, ROOT, start, stop, wait_for  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = os.environ.get("DURATION", "10s")
RATE = int(os.environ.get("RATE", "500"))
COLD_SAMPLES = int(os.environ.get("COLD_SAMPLES", "5"))
COLD_AFTER, COLD_FOR, LATENCY_MS = 2.0, 1.5, 20
BODY = '{"inputs": "you are a stupid bitch and i hate you"}'


def cli(*arguments, database):
    output = subprocess.run([MAGPIE, *arguments, "--database", database], check=True, capture_output=True, text=True)
    return output.stdout.strip().splitlines()[-1]


def key_for(database):
    cli("plans", "create", "--name", "bench", "--rate", "1000000", "--burst", "1000000", "--quota", "none",
        database=database)
    return cli("keys", "create", "--name", "bench", "--plan", "bench", database=database)


def cpu_seconds(process):
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, key):
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.body = [[' + BODY + ']]\n'
              'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["x-api-key"] = "' + key + '"\n')
    lua.close()
    output = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", "-c16", f"-d{DURATION}", "-s", lua.name, url],
        check=True, capture_output=True, text=True).stdout
    os.unlink(lua.name)
    requests = int(next(line for line in output.splitlines() if "requests in" in line).split()[0])
    rate = float(next(line for line in output.splitlines() if line.startswith("Requests/sec")).split()[1])
    non2xx = [line for line in output.splitlines() if "Non-2xx" in line]
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx[0]}")
    return requests, rate


def bench(url, key, *extra):
    output = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, MAGPIE, "bench", url, "--header", f"x-api-key: {key}", "--header",
         "Content-Type: application/json", "--body", BODY, "--json", *extra],
        check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main():
    workspace = tempfile.mkdtemp(prefix="magpie-bench-remote-")
    upstream_db, gateway_db = f"{workspace}/upstream.sqlite", f"{workspace}/gateway.sqlite"
    upstream_key, gateway_key = key_for(upstream_db), key_for(gateway_db)
    upstream_port, gateway_port = 18091, 18092
    processes = []
    try:
        upstream = start([MAGPIE, "serve", "--models", f"{ROOT}/models", "--port", str(upstream_port),
                          "--database", upstream_db, "--log-level", "notice"])
        processes.append(upstream)
        wait_for(upstream_port, "GET", "/health")
        standin = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, f"{ROOT}/scripts/sagemaker_standin.py", "--magpie-url",
             f"http://127.0.0.1:{upstream_port}", "--magpie-key", upstream_key, "--cold-after", str(COLD_AFTER),
             "--cold-for", str(COLD_FOR), "--latency-ms", str(LATENCY_MS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        processes.append(standin)
        standin_info = json.loads(standin.stdout.readline())
        config = f"{workspace}/gateway.yaml"
        with open(config, "w") as file:
            file.write(
                "models:\n"
                "  sentiment:\n"
                f"    http: {{url: \"http://127.0.0.1:{upstream_port}/v1/models/hate-speech/invocations\", format: huggingface}}\n"
                "    headers_from_env: {x-api-key: UPSTREAM_KEY}\n"
                "    max_concurrency: 64\n"
                "  serverless:\n"
                "    sagemaker: {endpoint: distilbert-imdb, region: us-east-1}\n"
                "    timeout: 30\n"
                "    max_attempts: 10\n")
        gateway = start(
            [MAGPIE, "serve", "--config", config, "--port", str(gateway_port), "--database", gateway_db,
             "--log-level", "notice"],
            env={"UPSTREAM_KEY": upstream_key, "AWS_ACCESS_KEY_ID": standin_info["access_key_id"],
                 "AWS_SECRET_ACCESS_KEY": standin_info["secret_access_key"],
                 "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": standin_info["endpoint"], "AWS_EC2_METADATA_DISABLED": "true"})
        processes.append(gateway)
        wait_for(gateway_port, "GET", "/health")
        direct_url = f"http://127.0.0.1:{upstream_port}/v1/models/hate-speech/invocations"
        gateway_url = f"http://127.0.0.1:{gateway_port}/v1/models/sentiment/invocations"
        # Warm both paths (connections, the model) before measuring.
        wrk(direct_url, upstream_key)
        wrk(gateway_url, gateway_key)

        rows = {"direct_rps": [], "gateway_rps": [], "gateway_cpu_us": [], "upstream_cpu_us_direct": [],
                "direct_p50": [], "direct_p99": [], "gateway_p50": [], "gateway_p99": []}
        for _ in range(ROUNDS):
            before = cpu_seconds(upstream)
            requests, rate = wrk(direct_url, upstream_key)
            rows["upstream_cpu_us_direct"].append((cpu_seconds(upstream) - before) / requests * 1e6)
            rows["direct_rps"].append(rate)
            before = cpu_seconds(gateway)
            requests, rate = wrk(gateway_url, gateway_key)
            rows["gateway_cpu_us"].append((cpu_seconds(gateway) - before) / requests * 1e6)
            rows["gateway_rps"].append(rate)
            for name, url, key in (("direct", direct_url, upstream_key), ("gateway", gateway_url, gateway_key)):
                report = bench(url, key, "--rate", str(RATE), "--concurrency", "16", "--duration", DURATION,
                               "--warmup", "1s")
                if report["succeeded"] != report["requests"]:
                    raise RuntimeError(f"{name}: {report['status_counts']} {report['failure_counts']}")
                rows[f"{name}_p50"].append(report["latency_ms"]["p50"])
                rows[f"{name}_p99"].append(report["latency_ms"]["p99"])
        figures = {name: statistics.median(values) for name, values in rows.items()}
        figures["added_p50_ms"] = figures["gateway_p50"] - figures["direct_p50"]
        figures["added_p99_ms"] = figures["gateway_p99"] - figures["direct_p99"]

        serverless_url = f"http://127.0.0.1:{gateway_port}/v1/models/serverless/invocations"
        cold = bench(serverless_url, gateway_key, "--cold-start", str(COLD_SAMPLES), "--idle", f"{COLD_AFTER + 0.5}s",
                     "--requests", "200", "--concurrency", "4")
        cold_report = cold["cold_start"]
        figures["serverless_cold_first_request_ms"] = cold_report["first_request_ms"]["median"]
        figures["serverless_cold_gateway_ms"] = cold_report["server_gateway_ms"]["median"]
        figures["serverless_cold_upstream_ms"] = cold_report["server_upstream_ms"]["median"]
        figures["serverless_warm_p50_ms"] = cold["latency_ms"]["p50"]
        figures["serverless_warm_p99_ms"] = cold["latency_ms"]["p99"]
    finally:
        for process in reversed(processes):
            if process.stdin:
                process.stdin.close()
            stop(process)

    print(f"gateway on the remote path ({ROUNDS} alternating rounds, medians; servers on core 0, load on core 1)")
    print(f"  throughput, wrk 16 connections   direct {figures['direct_rps']:9.0f} req/s   through the gateway {figures['gateway_rps']:9.0f} req/s")
    print(f"  gateway CPU per request          {figures['gateway_cpu_us']:7.1f} µs   (upstream's own: {figures['upstream_cpu_us_direct']:.1f} µs)")
    print(f"  latency at {RATE} req/s, open loop   direct p50 {figures['direct_p50']:.3f} p99 {figures['direct_p99']:.3f} ms; "
          f"gateway p50 {figures['gateway_p50']:.3f} p99 {figures['gateway_p99']:.3f} ms; added p99 {figures['added_p99_ms']:.3f} ms")
    print(f"serverless stand-in through the gateway ({LATENCY_MS} ms model time, cold {COLD_FOR} s after {COLD_AFTER} s idle)")
    print(f"  cold first request median {figures['serverless_cold_first_request_ms']:.1f} ms "
          f"(upstream {figures['serverless_cold_upstream_ms']:.1f} ms, gateway {figures['serverless_cold_gateway_ms']:.3f} ms)")
    print(f"  warm p50 {figures['serverless_warm_p50_ms']:.2f} ms, p99 {figures['serverless_warm_p99_ms']:.2f} ms")
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
