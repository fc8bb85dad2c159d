"""A normal client's latency while attackers abuse the server, against the release build:
server on core 0, attackers and the normal client on core 1. Phases of PHASE seconds each:
no attack; slowloris (CONNECTIONS half-sent request heads, reopened as the server cuts them
off); slow bodies (a body byte every second on SLOW_BODIES connections); declared-large bodies
(requests declaring 10 MB, sent in a loop); then no attack again, to show recovery. The
normal client sends keyed /v1/infer requests at RATE per second on one keep-alive connection.

Prints a table and one JSON line.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import CLIENT_CORE, MAGPIE, ROOT, start, stop, wait_for  # noqa: E402

PHASE = float(os.environ.get("PHASE", "20"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "5000"))
SLOW_BODIES = int(os.environ.get("SLOW_BODIES", "1000"))
RATE = float(os.environ.get("RATE", "50"))
PORT = 18470
HEAD = b"POST /v1/infer/hate-speech HTTP/1.1\r\nHost: magpie\r\nContent-Type: application/json\r\n"


def opened():
    connection = socket.create_connection(("127.0.0.1", PORT))
    connection.setblocking(False)
    return connection


def alive(connection, data):
    try:
        connection.send(data)
        return True
    except OSError:
        connection.close()
        return False


def hold(stop_event, counters, count, opening, every_second):
    """Keeps `count` connections open that sent `opening`, each sending `every_second` once a
    second, and opens new ones as the server closes them."""
    connections = []
    while not stop_event.is_set():
        while len(connections) < count and not stop_event.is_set():
            try:
                connection = opened()
            except OSError:
                break
            if alive(connection, opening):
                connections.append(connection)
                counters["opened"] += 1
        connections = [c for c in connections if alive(c, every_second)]
        stop_event.wait(1)
    for connection in connections:
        connection.close()


def slowloris(stop_event, counters):
    hold(stop_event, counters, CONNECTIONS, HEAD, b"X-a: b\r\n")


def slow_bodies(stop_event, counters):
    hold(stop_event, counters, SLOW_BODIES, HEAD + b"Content-Length: 100000\r\n\r\n{", b" ")


def declared_large(stop_event, counters):
    while not stop_event.is_set():
        connection = socket.create_connection(("127.0.0.1", PORT))
        connection.settimeout(10)
        connection.sendall(HEAD + b"Content-Length: 10485760\r\n\r\n" + b"a" * 65536)
        try:
            if connection.recv(64).startswith(b"HTTP/1.1 413"):
                counters["answered 413"] += 1
        except OSError:
            pass
        connection.close()


def normal_client(key, stop_event, latencies, errors):
    body = json.dumps({"text": "have a lovely day"})
    connection = None
    next_at = time.monotonic()
    while not stop_event.is_set():
        next_at += 1 / RATE
        time.sleep(max(0, next_at - time.monotonic()))
        started = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            connection.request("POST", "/v1/infer/hate-speech", body,
                               {"Content-Type": "application/json", "x-api-key": key})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors[str(response.status)] = errors.get(str(response.status), 0) + 1
            latencies.append((time.monotonic() - started) * 1000)
        except OSError as error:
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            connection = None


def phase(name, key, attack):
    stop_event = threading.Event()
    latencies, errors, counters = [], {}, {"opened": 0, "answered 413": 0}
    threads = [threading.Thread(target=normal_client, args=(key, stop_event, latencies, errors))]
    if attack:
        threads.append(threading.Thread(target=attack, args=(stop_event, counters)))
    for thread in threads:
        thread.start()
    time.sleep(PHASE)
    stop_event.set()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    return {"phase": name, "requests": len(latencies), "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
            "p99_ms": round(p99, 2), "errors": errors,
            "attack": {k: v for k, v in counters.items() if v}}


def main():
    os.sched_setaffinity(0, {int(CLIENT_CORE)})
    workspace = tempfile.mkdtemp(prefix="magpie-bench-attacks-")
    database = f"{workspace}/magpie.sqlite"

    def cli(*arguments):
        return subprocess.run([MAGPIE, *arguments, "--database", database], check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
    cli("plans", "create", "--name", "normal", "--rate", "1000", "--burst", "1000")
    key = cli("keys", "create", "--name", "normal", "--plan", "normal")
    server = start([MAGPIE, "serve", "--models", f"{ROOT}/models", "--port", str(PORT), "--database", database,
                    "--log-level", "notice"])
    try:
        wait_for(PORT, "GET", "/health")
        results = [phase("no attack", key, None), phase(f"slowloris ({CONNECTIONS} connections)", key, slowloris),
                   phase(f"slow bodies ({SLOW_BODIES} connections)", key, slow_bodies),
                   phase("declared 10 MB bodies", key, declared_large), phase("no attack, after", key, None)]
    finally:
        stop(server)
    print(f"normal client at {RATE:.0f} req/s on keyed /v1/infer, {PHASE:.0f} s per phase (server core 0, clients core 1)")
    for row in results:
        print(f"  {row['phase']:38} p50 {row['p50_ms']:7} ms  p99 {row['p99_ms']:7} ms  "
              f"{row['requests']:5} answered  errors {row['errors'] or 'none'}  {row['attack'] or ''}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
