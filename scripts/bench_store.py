"""Keyed `/v1/infer` throughput and server CPU per request with the key store in SQLite and in
PostgreSQL, in one run: servers (and PostgreSQL) on core 0, wrk on core 1, 16 connections,
ROUNDS alternating rounds of DURATION each, medians. Then three replicas on one PostgreSQL,
loaded together (wrk per replica, each on core 1), their aggregate. The key's quota is large
enough never to run out, so every request is an exact, durable count.

Prints a table, then one JSON line.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_remote import cpu_seconds  # noqa: E402
from bench_serve import CLIENT_CORE, MAGPIE, ROOT, start, stop, wait_for  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = os.environ.get("DURATION", "10s")
BODY = '{"text": "you are a stupid bitch and i hate you"}'


def key_for(database):
    def cli(*arguments):
        return subprocess.run([MAGPIE, *arguments, "--database", database], check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
    cli("plans", "create", "--name", "bench", "--rate", "1000000", "--burst", "1000000", "--quota", "100000000/month")
    return cli("keys", "create", "--name", "bench", "--plan", "bench")


def wrk(port, key, connections=16):
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.body = [[' + BODY + ']]\n'
              'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["x-api-key"] = "' + key + '"\n')
    lua.close()
    process = subprocess.Popen(
        ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{connections}", f"-d{DURATION}", "-s", lua.name,
         f"http://127.0.0.1:{port}/v1/infer/hate-speech"], stdout=subprocess.PIPE, text=True)
    return process, lua.name


def finish(process, lua):
    output = process.communicate()[0]
    os.unlink(lua)
    if any("Non-2xx" in line for line in output.splitlines()):
        raise RuntimeError(output)
    return int(next(line for line in output.splitlines() if "requests in" in line).split()[0])


def measure(server, port, key):
    before = cpu_seconds(server)
    process, lua = wrk(port, key)
    requests = finish(process, lua)
    seconds = float(DURATION.rstrip("s"))
    return requests / seconds, (cpu_seconds(server) - before) / requests * 1e6


def main():
    postgres = subprocess.Popen(["taskset", "-c", "0", sys.executable, f"{ROOT}/scripts/postgres_server.py"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = json.loads(postgres.stdout.readline())["url"] + "&connect_timeout=30"
    workspace = tempfile.mkdtemp(prefix="magpie-bench-store-")
    sqlite = f"{workspace}/magpie.sqlite"
    keys = {"sqlite": key_for(sqlite), "postgres": key_for(url)}
    servers, ports = {}, {"sqlite": 18401, "postgres": 18402}
    try:
        for name, database in [("sqlite", sqlite), ("postgres", url)]:
            servers[name] = start([MAGPIE, "serve", "--models", f"{ROOT}/models", "--port", str(ports[name]),
                                   "--database", database, "--log-level", "notice"])
            wait_for(ports[name], "GET", "/health")
            measure(servers[name], ports[name], keys[name])  # warm-up
        rows = {name: {"rps": [], "cpu_us": []} for name in servers}
        for _ in range(ROUNDS):
            for name in servers:
                rps, cpu = measure(servers[name], ports[name], keys[name])
                rows[name]["rps"].append(rps)
                rows[name]["cpu_us"].append(cpu)
        for name in list(servers):
            stop(servers.pop(name))
        replicas = []
        for index in range(3):
            port = 18410 + index
            replicas.append((start([MAGPIE, "serve", "--models", f"{ROOT}/models", "--port", str(port), "--database",
                                    url, "--log-level", "notice"]), port))
            wait_for(port, "GET", "/health")
        runs = [wrk(port, keys["postgres"]) for _, port in replicas]
        aggregate = sum(finish(process, lua) for process, lua in runs) / float(DURATION.rstrip("s"))
        for server, _ in replicas:
            stop(server)
    finally:
        for server in servers.values():
            stop(server)
        postgres.stdin.close()
        postgres.wait()
    result = {name: {key: round(statistics.median(values), 1) for key, values in row.items()} for name, row in rows.items()}
    ratio = result["postgres"]["rps"] / result["sqlite"]["rps"]
    print(f"keyed /v1/infer, 16 connections ({ROUNDS} alternating rounds of {DURATION}, medians; server core 0, wrk core 1)")
    for name in ("sqlite", "postgres"):
        print(f"  {name:9} {result[name]['rps']:9.0f} req/s   {result[name]['cpu_us']:6.1f} µs server CPU per request")
    print(f"  PostgreSQL / SQLite throughput: {ratio:.2f} (target ≥ 0.50)")
    print(f"  3 replicas on one PostgreSQL, 16 connections each, aggregate: {aggregate:.0f} req/s")
    print(json.dumps({"sqlite": result["sqlite"], "postgres": result["postgres"], "ratio": round(ratio, 3),
                      "replicas3_rps": round(aggregate, 1)}))


if __name__ == "__main__":
    main()
