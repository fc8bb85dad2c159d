#!/usr/bin/env python3
"""Starts moto's server on a free loopback port with request authentication switched on.

moto checks every request's SigV4 signature with botocore and the caller's IAM policy once
the first INITIAL_NO_AUTH_ACTION_COUNT actions have run. The three this script spends create
an IAM user with a policy that allows everything and an access key for it. It then prints one
JSON line, {"endpoint", "access_key_id", "secret_access_key", "region"}, and serves until its
standard input closes (the test or script that started it exits), so it never outlives them.
Meanwhile it takes commands on standard input, one a line, each answered with one line:
`stop` closes the listening socket (an outage: connections are refused), `start` listens on
the same port again with every table and item as it was.

Requests are served one at a time. DynamoDB applies the writes to one item one after another
and checks a ConditionExpression against the latest version; moto's threads evaluate
conditions and write without a lock, so concurrent conditional writes could both pass there,
which the real service never allows and exactness tests would then blame on Magpie.
"""
import json
import os
import sys
import threading

# MAGPIE_MOTO_AUTH=off leaves authentication off: moto's own check refuses S3 ListObjectsV2
# with a prefix even when boto3 signs it, so listings are tested with it off.
if os.environ.get("MAGPIE_MOTO_AUTH", "on") != "off":
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bootstrap")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bootstrap")

import boto3  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

moto_app = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()


def serialized_app(environ, start_response):
    with one_at_a_time:
        return list(moto_app(environ, start_response))


def serve(port):
    server = make_server("127.0.0.1", port, serialized_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


server = serve(0)
host, port = server.server_address[:2]
endpoint = f"http://{host}:{port}"
region = "us-east-1"
iam = boto3.client("iam", endpoint_url=endpoint, region_name=region)
iam.create_user(UserName="magpie")
iam.put_user_policy(
    UserName="magpie",
    PolicyName="all",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="magpie")["AccessKey"]
print(
    json.dumps(
        {
            "endpoint": endpoint,
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
            "region": region,
        }
    ),
    flush=True,
)
for line in sys.stdin:
    command = line.strip()
    if command == "stop" and server is not None:
        server.shutdown()
        server.server_close()
        server = None
        print("stopped", flush=True)
    elif command == "start" and server is None:
        server = serve(port)
        print("started", flush=True)
    else:
        print(f"unknown or untimely command: {command}", flush=True)
if server is not None:
    server.shutdown()
