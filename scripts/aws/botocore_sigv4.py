"""Checks an incoming request's SigV4 signature with botocore, as an AWS service would.

Shared by the stand-in servers (scripts/aws/sigv4_crosscheck.py, scripts/sagemaker_standin.py):
botocore's SigV4Auth (S3SigV4Auth for s3) rebuilds the canonical request from what arrived,
with the signing time the request carries, and the signatures must match byte for byte.
"""
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def parse_authorization(header):
    if not header or not header.startswith("AWS4-HMAC-SHA256 "):
        return None
    fields = {}
    for part in header[len("AWS4-HMAC-SHA256 "):].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    credential = fields.get("Credential", "").split("/")
    if len(credential) != 5:
        return None
    return {
        "access_key_id": credential[0],
        "date": credential[1],
        "region": credential[2],
        "service": credential[3],
        "signed_headers": fields.get("SignedHeaders", "").split(";"),
        "signature": fields.get("Signature", ""),
    }


def verify(method, raw_path, raw_query, headers, body, secrets, region=None, service=None):
    """Returns (ok, reason, canonical_request). `raw_path` is the path as it arrived (still
    percent-encoded); `headers` a list of (name, value); `secrets` maps key ids to secrets."""
    lookup = {}
    for name, value in headers:
        lookup.setdefault(name.lower(), []).append(value)
    auth = parse_authorization((lookup.get("authorization") or [None])[0])
    if auth is None:
        return False, "MissingAuthenticationToken", ""
    if auth["access_key_id"] not in secrets:
        return False, "UnrecognizedClientException", ""
    if region and auth["region"] != region:
        return False, f"credential scope region {auth['region']} is not {region}", ""
    if service and auth["service"] != service:
        return False, f"credential scope service {auth['service']} is not {service}", ""
    amz_date = (lookup.get("x-amz-date") or [None])[0]
    if not amz_date:
        return False, "no X-Amz-Date", ""
    signed = {}
    for name in auth["signed_headers"]:
        if name not in lookup:
            return False, f"signed header {name} is missing", ""
        signed[name] = ",".join(lookup[name])
    url = "http://" + signed.get("host", "localhost") + raw_path + ("?" + raw_query if raw_query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=signed)
    request.context["timestamp"] = amz_date
    token = (lookup.get("x-amz-security-token") or [None])[0]
    credentials = Credentials(auth["access_key_id"], secrets[auth["access_key_id"]], token)
    signer_class = S3SigV4Auth if auth["service"] == "s3" else SigV4Auth
    signer = signer_class(credentials, auth["service"], auth["region"])
    # botocore builds the canonical path from the URL's path as given (already encoded once);
    # SigV4Auth encodes it again, as AWS services other than S3 do.
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != auth["signature"]:
        return False, "SignatureDoesNotMatch", canonical
    return True, "", canonical


def encode_path(path):
    return quote(path, safe="/~")
