#!/usr/bin/env python3
"""Starts moto's server on a free loopback port with request authentication switched on.

moto checks every request's SigV4 signature with botocore and the caller's IAM policy once
the first INITIAL_NO_AUTH_ACTION_COUNT actions have run. The three this script spends create
an IAM user with a policy that allows everything and an access key for it. It then prints one
JSON line, {"endpoint", "access_key_id", "secret_access_key", "region"}, and serves until its
standard input closes (the test or script that started it exits), so it never outlives them.
"""
import json
import os
import sys

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bootstrap")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bootstrap")

import boto3  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
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
sys.stdin.read()
server.stop()
