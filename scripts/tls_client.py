#!/usr/bin/env python3
"""Python's ssl as a client of `magpie serve --tls-cert`, for the TLS tests. Prints one JSON
object.

  tls_client.py handshakes PORT CA_FILE
      which protocol versions the server accepts (TLS 1.0 to 1.3), the cipher it picks by
      default and for TLS 1.2, its ALPN protocol and its certificate's common name
  tls_client.py keep-alive PORT CA_FILE
      opens one HTTPS connection, sends GET /health on it, then waits for a line on standard
      input and sends another on the same connection: whether both were answered
  tls_client.py limit PORT CA_FILE N
      against a server whose max_connections is N: holds N HTTP/2 connections and tries one
      more; then holds N connections that never start their handshake and tries one more,
      counting how many of the held ones the server closed to make room
"""
import http.client
import json
import socket
import ssl
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)


def context(ca_file, version=None):
    tls = ssl.create_default_context(cafile=ca_file)
    tls.check_hostname = False
    if version is not None:
        tls.minimum_version = version
        tls.maximum_version = version
    return tls


def handshakes(port, ca_file):
    accepted = {}
    versions = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1,
                "TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}
    for name, version in versions.items():
        try:
            tls = context(ca_file, version)
            tls.set_ciphers("ALL:@SECLEVEL=0") if version < ssl.TLSVersion.TLSv1_2 else None
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with tls.wrap_socket(raw) as wrapped:
                    accepted[name] = wrapped.version() == name
        except (ssl.SSLError, OSError):
            accepted[name] = False
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context(ca_file, ssl.TLSVersion.TLSv1_2).wrap_socket(raw) as wrapped:
            cipher_tls12 = wrapped.cipher()[0]
    tls = context(ca_file)
    tls.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with tls.wrap_socket(raw) as wrapped:
            cipher = wrapped.cipher()[0]
            alpn = wrapped.selected_alpn_protocol()
            subject = dict(item[0] for item in wrapped.getpeercert()["subject"])
    return {"accepted": accepted, "cipher": cipher, "cipher_tls12": cipher_tls12, "alpn": alpn,
            "subject": subject.get("commonName")}


def keep_alive(port, ca_file):
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context(ca_file), timeout=10)
    connection.request("GET", "/health")
    first = connection.getresponse()
    first.read()
    print(json.dumps({"first": first.status}), flush=True)
    sys.stdin.readline()
    connection.request("GET", "/health")
    second = connection.getresponse()
    second.read()
    return {"second": second.status}


def health_over_http11(port, ca_file):
    """GET /health on a new HTTPS connection: its status, or the kind of failure."""
    try:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context(ca_file), timeout=10)
        connection.request("GET", "/health")
        status = connection.getresponse().status
        connection.close()
        return status
    except (ssl.SSLError, OSError, http.client.HTTPException) as error:
        return type(error).__name__


def closed_by_server(raw):
    raw.settimeout(2)
    try:
        return raw.recv(1) == b""
    except (socket.timeout, TimeoutError):
        return False
    except OSError:
        return True


def limit(port, ca_file, count):
    tls = context(ca_file)
    tls.set_alpn_protocols(["h2"])
    held = [tls.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10)) for _ in range(count)]
    protocols = [connection.selected_alpn_protocol() for connection in held]
    # In TLS 1.3 the client is done before the server has read its Finished; the server's
    # first HTTP/2 frame (SETTINGS) shows it has finished too and set up HTTP/2.
    for connection in held:
        connection.recv(9)
    over_http2 = health_over_http11(port, ca_file)
    for connection in held:
        connection.close()
    time.sleep(0.5)
    handshaking = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
    time.sleep(0.2)
    over_handshaking = health_over_http11(port, ca_file)
    evicted = sum(closed_by_server(raw) for raw in handshaking)
    for raw in handshaking:
        raw.close()
    return {"held": protocols, "beyond_http2": over_http2, "beyond_handshaking": over_handshaking, "evicted": evicted}


if __name__ == "__main__":
    command, port, ca_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if command == "limit":
        result = limit(port, ca_file, int(sys.argv[4]))
    else:
        result = handshakes(port, ca_file) if command == "handshakes" else keep_alive(port, ca_file)
    print(json.dumps(result), flush=True)
