#!/usr/bin/env python3
"""A stand-in for a SageMaker Serverless endpoint, for tests and benchmarks on loopback.

It checks what SageMaker Runtime checks first, the request's SigV4 signature (recomputed
with botocore, service "sagemaker"), then answers InvokeEndpoint in the Hugging Face format
with a real Magpie model: each call is forwarded to a running `magpie serve`'s
`/v1/models/MODEL/invocations`. It can act as a serverless endpoint does:

  --cold-after SECONDS    idle this long, the endpoint scales to zero; the next requests get
  --cold-for SECONDS      ModelNotReadyException (HTTP 429) for this long while it "starts"
  --max-concurrency N     above N requests at once: ThrottlingException (HTTP 400)
  --latency-ms MS         added to every answer (the model's own time on a real endpoint)

and tests steer it at run time with POST /_standin (JSON): {"fail_next": N, "status": 424,
"message": "..."} makes the next N calls fail with a ModelError (424, the container's message
in OriginalMessage) or with HTTP 503 ServiceUnavailable; {"latency_ms": MS}, {"cold": true}
(cold now, for --cold-for seconds or "cold_for"), {"down": true} (close connections without answering); GET /_standin reports counts.

Prints one JSON line {"endpoint", "access_key_id", "secret_access_key", "region"} and serves
until standard input closes (or forever with --forever, for benchmarks).
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.request

from werkzeug.serving import make_server
from flask import Flask, Response, request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "aws"))
from botocore_sigv4 import verify  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--magpie-url", required=True, help="base URL of a running magpie serve")
parser.add_argument("--magpie-key", required=True, help="an API key of that server")
parser.add_argument("--model", default="hate-speech", help="the Magpie model answering every endpoint")
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--cold-after", type=float, default=0, help="idle seconds before scaling to zero; 0 never")
parser.add_argument("--cold-for", type=float, default=2.0)
parser.add_argument("--max-concurrency", type=int, default=0, help="0: no limit")
parser.add_argument("--latency-ms", type=float, default=0)
parser.add_argument("--forever", action="store_true")
arguments = parser.parse_args()

ACCESS_KEY = "AKIDSTANDIN"
SECRET = "standin/secret+KEY"
REGION = "us-east-1"

lock = threading.Lock()
state = {
    "in_flight": 0,
    "last_request": time.monotonic(),
    "warm_at": time.monotonic(),
    "fail_next": 0,
    "fail_status": 424,
    "fail_message": "the model failed",
    "latency_ms": arguments.latency_ms,
    "down": False,
    "counts": {"invocations": 0, "answered": 0, "not_ready": 0, "throttled": 0, "failed": 0, "unsigned": 0},
    "traceparents": [],
}
app = Flask(__name__)


def error(status, code, message, extra=None):
    body = {"message": message}
    body.update(extra or {})
    return Response(
        json.dumps(body),
        status=status,
        headers={"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.sagemaker/"},
        content_type="application/json",
    )


@app.post("/endpoints/<name>/invocations")
def invoke(name):
    body = request.get_data()
    ok, reason, _ = verify(
        "POST", request.environ.get("RAW_URI", request.path).split("?")[0], request.query_string.decode(),
        list(request.headers.items()), body, {ACCESS_KEY: SECRET}, region=REGION, service="sagemaker",
    )
    with lock:
        state["counts"]["invocations"] += 1
        if not ok:
            state["counts"]["unsigned"] += 1
    if not ok:
        code = "UnrecognizedClientException" if reason == "UnrecognizedClientException" else "InvalidSignatureException"
        return error(403, code, reason)
    now = time.monotonic()
    with lock:
        if request.headers.get("traceparent"):
            state["traceparents"].append(request.headers["traceparent"])
        if state["down"]:
            return Response(status=503)
        idle = now - state["last_request"]
        state["last_request"] = now
        if arguments.cold_after and idle >= arguments.cold_after:
            state["warm_at"] = now + arguments.cold_for
        if now < state["warm_at"]:
            state["counts"]["not_ready"] += 1
            return error(429, "ModelNotReadyException", f"Model for endpoint {name} is not ready; it is starting.")
        if arguments.max_concurrency and state["in_flight"] >= arguments.max_concurrency:
            state["counts"]["throttled"] += 1
            return error(400, "ThrottlingException", "Rate exceeded")
        if state["fail_next"] > 0:
            state["fail_next"] -= 1
            state["counts"]["failed"] += 1
            if state["fail_status"] == 424:
                return error(
                    424, "ModelError", "Received client error (400) from primary with message \"" + state["fail_message"] + "\".",
                    {"OriginalStatusCode": 400, "OriginalMessage": state["fail_message"], "ErrorCode": "CLIENT_ERROR_FROM_MODEL"},
                )
            return error(state["fail_status"], "ServiceUnavailable", state["fail_message"])
        state["in_flight"] += 1
        latency = state["latency_ms"]
    try:
        if latency:
            time.sleep(latency / 1000)
        forwarded = urllib.request.Request(
            f"{arguments.magpie_url}/v1/models/{arguments.model}/invocations",
            data=body,
            headers={"Content-Type": "application/json", "x-api-key": arguments.magpie_key},
        )
        with urllib.request.urlopen(forwarded, timeout=30) as answer:
            payload = answer.read()
        with lock:
            state["counts"]["answered"] += 1
        return Response(payload, status=200, content_type="application/json")
    except urllib.error.HTTPError as failure:
        return error(424, "ModelError", "the container answered an error", {"OriginalMessage": failure.read().decode()})
    finally:
        with lock:
            state["in_flight"] -= 1


@app.post("/_standin")
def steer():
    settings = request.get_json(force=True)
    with lock:
        if "fail_next" in settings:
            state["fail_next"] = int(settings["fail_next"])
            state["fail_status"] = int(settings.get("status", 424))
            state["fail_message"] = settings.get("message", "the model failed")
        if "latency_ms" in settings:
            state["latency_ms"] = float(settings["latency_ms"])
        if settings.get("cold"):
            state["warm_at"] = time.monotonic() + float(settings.get("cold_for", arguments.cold_for))
        if "down" in settings:
            state["down"] = bool(settings["down"])
    return {"ok": True}


@app.get("/_standin")
def report():
    with lock:
        return {"counts": dict(state["counts"]), "traceparents": list(state["traceparents"])}


server = make_server("127.0.0.1", arguments.port, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(
    json.dumps(
        {
            "endpoint": f"http://127.0.0.1:{server.server_port}",
            "access_key_id": ACCESS_KEY,
            "secret_access_key": SECRET,
            "region": REGION,
        }
    ),
    flush=True,
)
if arguments.forever:
    threading.Event().wait()
else:
    sys.stdin.read()
server.shutdown()
