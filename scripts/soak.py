"""A long run of mixed traffic against the release build, watching for leaks: server on core 0,
clients on core 1, RATE requests a second for DURATION seconds (default 600).

The mix: valid keyed requests (single texts on /v1/infer, batches of up to 8 on classify); invalid ones (malformed JSON, a
missing text, a wrong content type, an unknown model); a throttled key; a key whose quota runs
out; a second model that idles out after 3 s and is called every 7 s, so each call is a cold
start; a wrong key every 15 s; and, every 15 s, a key created with the CLI, used, revoked and
used again, concurrently with the traffic.

Every 10 s it samples the server's RSS and open descriptors; per minute it reports the p99
latency; at the end, answers by status and error type. Targets (exit status 1 when missed):
the RSS slope over the last 80% of the run (the last 8 minutes of 10) is below 1 MB a minute,
the descriptors return to their count before the traffic, and no answer is a 5xx.

Prints a table and one JSON line.
"""
import http.client
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench_serve import CLIENT_CORE, MAGPIE, ROOT, resident_mb, start, stop, wait_for  # noqa: E402

DURATION = float(os.environ.get("DURATION", "600"))
RATE = float(os.environ.get("RATE", "100"))
WORKERS = 8
PORT = 18490
SAMPLE_EVERY = 10
MAX_SLOPE_MB_PER_MINUTE = 1.0
TEXTS = ["have a lovely day", "you are a stupid bitch", "the weather is fine today", "i hate those people",
         "lol that game last night", "what a nice picture"]


def cli(database, *arguments):
    result = subprocess.run(["taskset", "-c", CLIENT_CORE, MAGPIE, *arguments, "--database", database],
                            check=True, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def create_key(database, name, plan):
    """A new key's id and secret, as `magpie keys create` prints them."""
    result = subprocess.run(["taskset", "-c", CLIENT_CORE, MAGPIE, "keys", "create", "--name", name, "--plan", plan,
                             "--database", database], check=True, capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    return lines[0].split()[2], lines[-1]


def open_descriptors(process):
    return len(os.listdir(f"/proc/{process.pid}/fd"))


def regression_slope(points):
    """Least-squares slope of (x, y) points."""
    n = len(points)
    if n < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else float("nan")


class Outcomes:
    """Answers by kind ("200", "429 throttled", "transport ConnectionResetError") and latencies
    by minute, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = {}
        self.latencies = {}

    def record(self, started, kind, latency_ms):
        minute = int((time.monotonic() - started) // 60)
        with self.lock:
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            self.latencies.setdefault(minute, []).append(latency_ms)


def send(connection, path, body, headers):
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    payload = response.read()
    if response.getheader("X-Magpie-Cold-Start") == "true":
        return f"{response.status} cold start"
    if response.status < 400:
        return str(response.status)
    try:
        return f"{response.status} {json.loads(payload).get('error_type', '?')}"
    except ValueError:
        return f"{response.status} (not JSON)"


def mixed_request(keys, index):
    """The index-th request of the steady mix: path, body, headers."""
    valid, throttled, quota = keys
    json_type = {"Content-Type": "application/json"}
    slot = index % 20
    if slot < 12:
        text = TEXTS[index % len(TEXTS)]
        if slot % 3:
            return "/v1/infer/hate-speech", json.dumps({"text": text}), {**json_type, "x-api-key": valid}
        batch = {"texts": [text] * (1 + index % 8)}
        return "/v1/models/hate-speech/classify", json.dumps(batch), {**json_type, "x-api-key": valid}
    if slot == 12:
        return "/v1/infer/hate-speech", '{"text": "unfinished', {**json_type, "x-api-key": valid}
    if slot == 13:
        return "/v1/infer/hate-speech", '{"txt": "no text field"}', {**json_type, "x-api-key": valid}
    if slot == 14:
        return "/v1/infer/hate-speech", "text=plain", {"Content-Type": "text/plain", "x-api-key": valid}
    if slot == 15:
        return "/v1/infer/no-such-model", '{"text": "x"}', {**json_type, "x-api-key": valid}
    if slot in (16, 17):
        return "/v1/infer/hate-speech", '{"text": "fast"}', {**json_type, "x-api-key": throttled}
    return "/v1/infer/hate-speech", '{"text": "counted"}', {**json_type, "x-api-key": quota}


def client(jobs, outcomes, started):
    connection = None
    while True:
        job = jobs.get()
        if job is None:
            break
        due, path, body, headers = job
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            kind = send(connection, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            kind = f"transport {type(error).__name__}"
            connection = None
        outcomes.record(started, kind, (time.monotonic() - due) * 1000)
    if connection is not None:
        connection.close()


def side_traffic(stop_event, database, outcomes, started, sequence):
    """Every 7 s a cold start on the idling model; every 15 s a wrong key, and a key created,
    used, revoked and used again."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    json_type = {"Content-Type": "application/json"}

    def timed(path, body, key):
        nonlocal connection
        begun = time.monotonic()
        try:
            kind = send(connection, path, body, {**json_type, "x-api-key": key})
        except (OSError, http.client.HTTPException) as error:
            kind = f"transport {type(error).__name__}"
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        outcomes.record(started, kind, (time.monotonic() - begun) * 1000)

    _, cold_key = create_key(database, "cold", "steady")
    tick = 0
    while not stop_event.wait(1):
        tick += 1
        if tick % 7 == 0:
            timed("/v1/infer/rarely", '{"text": "are you awake"}', cold_key)
        if tick % 15 == 0:
            timed("/v1/infer/hate-speech", '{"text": "guess"}', f"mgp_wrong{next(sequence)}")
            key_id, key = create_key(database, f"churn-{tick}", "steady")
            timed("/v1/infer/hate-speech", '{"text": "new key"}', key)
            cli(database, "keys", "revoke", key_id)
            timed("/v1/infer/hate-speech", '{"text": "revoked key"}', key)
    connection.close()


def main():
    os.sched_setaffinity(0, {int(CLIENT_CORE)})
    workspace = tempfile.mkdtemp(prefix="magpie-soak-")
    database = f"{workspace}/magpie.sqlite"
    config = f"{workspace}/config.yaml"
    with open(config, "w") as file:
        # The answers kept for feedback are a bounded ring: 100,000 by default, which 100 req/s
        # would fill only after 17 minutes, so a two-minute run would see it grow. A ring of
        # 1,000 is full within seconds; what the run then watches is that it stays bounded.
        file.write("server:\n  remembered_answers: 1000\n")
        file.write(f"models:\n  hate-speech:\n    path: {ROOT}/models/hate-speech\n"
                   f"  rarely:\n    path: {ROOT}/models/hate-speech\n    idle_timeout: 3\n")
    cli(database, "plans", "create", "--name", "steady", "--rate", "1000", "--burst", "1000")
    cli(database, "plans", "create", "--name", "tight", "--rate", "2", "--burst", "2")
    cli(database, "plans", "create", "--name", "small", "--quota", "500/day", "--rate", "1000", "--burst", "1000")
    keys = tuple(create_key(database, name, plan)[1] for name, plan in
                 (("valid", "steady"), ("throttled", "tight"), ("quota", "small")))
    server = start([MAGPIE, "serve", "--config", config, "--port", str(PORT), "--database", database,
                    "--log-level", "notice"])
    outcomes = Outcomes()
    samples = []
    try:
        wait_for(PORT, "GET", "/health")
        wait_for(PORT, "POST", "/v1/infer/hate-speech", json.dumps({"text": "warm"}),
                 {"Content-Type": "application/json", "x-api-key": keys[0]})
        baseline_descriptors = open_descriptors(server)
        started = time.monotonic()
        jobs = queue.Queue()
        threads = [threading.Thread(target=client, args=(jobs, outcomes, started)) for _ in range(WORKERS)]
        stop_event = threading.Event()
        sequence = iter(range(10**9))
        threads.append(threading.Thread(target=side_traffic, args=(stop_event, database, outcomes, started, sequence)))
        for thread in threads:
            thread.start()
        index, next_sample = 0, started
        while (now := time.monotonic()) < started + DURATION:
            if now >= next_sample:
                samples.append((round(now - started, 1), round(resident_mb(server), 2), open_descriptors(server)))
                next_sample += SAMPLE_EVERY
            due = started + index / RATE
            if due > now:
                time.sleep(min(due - now, max(0.0, next_sample - now)))
                continue
            jobs.put((due, *mixed_request(keys, index)))
            index += 1
        stop_event.set()
        for _ in range(WORKERS):
            jobs.put(None)
        for thread in threads:
            thread.join()
        time.sleep(3)
        final_descriptors = open_descriptors(server)
        samples.append((round(time.monotonic() - started, 1), round(resident_mb(server), 2), final_descriptors))
    finally:
        stop(server)

    tail = [(seconds / 60, rss) for seconds, rss, _ in samples if seconds >= 0.2 * DURATION]
    slope = regression_slope(tail)
    p99 = {}
    for minute, values in sorted(outcomes.latencies.items()):
        values.sort()
        p99[minute] = round(values[max(0, int(len(values) * 0.99) - 1)], 2)
    server_errors = {kind: count for kind, count in outcomes.kinds.items() if kind[0] == "5"}
    result = {
        "duration_s": DURATION, "rate": RATE, "requests": sum(outcomes.kinds.values()),
        "rss_mb_first": samples[0][1], "rss_mb_last": samples[-1][1], "rss_slope_mb_per_min": round(slope, 3),
        "descriptors_before": baseline_descriptors, "descriptors_after": final_descriptors,
        "p99_ms_by_minute": p99, "answers": dict(sorted(outcomes.kinds.items())),
    }
    print(f"soak: {DURATION:.0f} s at {RATE:.0f} req/s (server core 0, clients core 1)")
    print("  seconds  RSS MB  descriptors")
    for seconds, rss, descriptors in samples:
        print(f"  {seconds:7.0f}  {rss:6.1f}  {descriptors:5}")
    print(f"  RSS slope over the last {0.8 * DURATION / 60:.1f} min: {slope:.3f} MB/min "
          f"(target < {MAX_SLOPE_MB_PER_MINUTE})")
    print(f"  descriptors: {baseline_descriptors} before, {final_descriptors} after")
    print(f"  p99 by minute (ms): {p99}")
    for kind, count in sorted(outcomes.kinds.items()):
        print(f"  {count:7}  {kind}")
    print(json.dumps(result))
    failures = []
    if not slope < MAX_SLOPE_MB_PER_MINUTE:
        failures.append(f"RSS grows {slope:.3f} MB/min")
    if final_descriptors > baseline_descriptors:
        failures.append(f"descriptors {baseline_descriptors} -> {final_descriptors}")
    if server_errors:
        failures.append(f"5xx answers {server_errors}")
    transport = {kind: count for kind, count in outcomes.kinds.items() if kind.startswith("transport")}
    if transport:
        failures.append(f"transport errors {transport}")
    if failures:
        print("soak failed: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
