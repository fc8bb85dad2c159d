#!/usr/bin/env python3
"""A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a cluster made
with initdb in a temporary directory, listening on 127.0.0.1 on a free port, no system service.

Prints one JSON line {"url", "port", "data"} and serves until standard input closes (then stops
the server and deletes the directory). Lines on standard input control it:
  restart   stop the server (fast shutdown: open connections are cut), start it again on the
            same port, then print "restarted"
  stop      stop it and print "stopped" (start brings it back, printing "started")
  start
  database  create a new, empty database and print its URL (one per test)

PostgreSQL refuses to run as root; when run as root, the cluster belongs to the `postgres`
user of Debian's package and the server runs as that user.
"""
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid


def binaries():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not candidates:
        sys.exit("postgres_server.py: no /usr/lib/postgresql/*/bin/initdb; install Debian's postgresql package")
    return os.path.dirname(candidates[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BIN = binaries()
ROOT = os.geteuid() == 0
USER = "postgres" if ROOT else pwd.getpwuid(os.geteuid()).pw_name


def run(arguments, **options):
    if ROOT:
        arguments = ["runuser", "-u", USER, "--", *arguments]
    return subprocess.run(arguments, check=True, capture_output=True, text=True, **options)


directory = tempfile.mkdtemp(prefix="magpie-postgres-")
os.chmod(directory, 0o755)
data, sockets = os.path.join(directory, "data"), os.path.join(directory, "sockets")
os.mkdir(sockets)
if ROOT:
    entry = pwd.getpwnam(USER)
    os.chown(directory, entry.pw_uid, entry.pw_gid)
    os.chown(sockets, entry.pw_uid, entry.pw_gid)
port = free_port()
run([f"{BIN}/initdb", "-D", data, "-U", "magpie", "--auth=trust", "-E", "UTF8", "--no-instructions"])
with open(os.path.join(data, "postgresql.conf"), "a") as conf:
    conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{sockets}'\n"
               "max_connections = 200\nshared_buffers = 64MB\n")


def start():
    run([f"{BIN}/pg_ctl", "-D", data, "-l", os.path.join(directory, "server.log"), "-w", "-t", "30", "start"])


def stop():
    run([f"{BIN}/pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop"])


start()
print(json.dumps({"url": f"postgres://magpie@127.0.0.1:{port}/postgres?sslmode=disable", "port": port,
                  "data": data}), flush=True)
try:
    for line in sys.stdin:
        command = line.strip()
        if command == "restart":
            stop()
            start()
            print("restarted", flush=True)
        elif command == "stop":
            stop()
            print("stopped", flush=True)
        elif command == "start":
            start()
            print("started", flush=True)
        elif command == "database":
            name = "test_" + uuid.uuid4().hex[:12]
            run([f"{BIN}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "magpie", name])
            print(f"postgres://magpie@127.0.0.1:{port}/{name}?sslmode=disable", flush=True)
finally:
    try:
        stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(directory, ignore_errors=True)
