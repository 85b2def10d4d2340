#!/usr/bin/env python3
"""A stand-in for a Liferay node's startup as the rolling restart sees it, and a stand-in Docker CLI.

No Liferay image can be had here, so the tests of the rolling restart
(tests/playbooks/test_rolling_restart_keeps_the_cluster_serving.py, the molecule scenario `rolling`) restart
this instead. What matters to the restart is only how Liferay looks from its health URL while it starts: first
nothing listens (Tomcat has not opened its connector), then it answers but not 2xx, then /c/portal/robots
answers 200. Every event goes to a log, one line each,
``<event> <epoch seconds> <name> <pid>``, which the tests read:

    start      the process started
    listening  the port is open (answers 503 until it is ready)
    healthy    the first 200 it served on /c/portal/robots (what the role saw)
    stopping   SIGTERM received (the node goes down)
    stopped    the process exits

    liferay_standin.py serve --name N --port P --log FILE [--refuse S] [--ready S] [--never] [--pidfile F]
    liferay_standin.py docker ...     # the Docker CLI: restart NAME | inspect ... --format ... NAME

serve: --refuse seconds without listening, then 503 until --ready seconds after the start, then 200;
--never: 503 forever (a node that never comes back). Reads its settings again from --config (KEY=value lines,
REFUSE, READY, STOP, NEVER) when given, so a test can change a node's behaviour before its next restart.

docker: the state is in $LIFERAY_STANDIN_DOCKER (a directory): containers/<name>.json holds
{"port", "config", "env": [...]}; `restart` stops the container's stand-in (SIGTERM, waits for it) and starts
it again, `inspect` prints the environment it was "created" with. Every call is logged in docker.log.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROBOTS = b"User-agent: *\nDisallow: /c/\n"


def log_event(path, event, name):
    line = "%s %.6f %s %d\n" % (event, time.time(), name, os.getpid())
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def read_config(path, defaults):
    values = dict(defaults)
    if path and os.path.exists(path):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            key, _, value = line.strip().partition("=")
            if key in ("REFUSE", "READY", "STOP"):
                values[key.lower()] = float(value)
            elif key == "NEVER":
                values["never"] = value.strip() not in ("", "0", "false")
    return values


def serve(args):
    settings = read_config(
        args.config, {"refuse": args.refuse, "ready": args.ready, "never": args.never, "stop": args.stop_seconds}
    )
    args.stop_seconds = settings["stop"]
    started = time.monotonic()
    log_event(args.log, "start", args.name)
    if args.pidfile:
        Path(args.pidfile).write_text("%d\n" % os.getpid(), encoding="utf-8")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if stop.wait(settings["refuse"]):
        return finish(args)
    healthy_logged = threading.Event()
    healthy_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ready = not settings["never"] and time.monotonic() - started >= settings["ready"]
            if self.path.split("?")[0] != "/c/portal/robots":
                self.send_error(404)
                return
            if not ready:
                self.send_error(503, "Liferay is starting")
                return
            with healthy_lock:  # logged before the answer leaves: no client sees a 200 earlier
                if not healthy_logged.is_set():
                    healthy_logged.set()
                    log_event(args.log, "healthy", args.name)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(ROBOTS)))
            self.end_headers()
            self.wfile.write(ROBOTS)

        def log_message(self, *_):
            pass

    class Server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True
        address_family = socket.AF_INET

    server = Server((args.host, args.port), Handler)
    log_event(args.log, "listening", args.name)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop.wait()
    server.shutdown()
    server.server_close()
    return finish(args)


def finish(args):
    log_event(args.log, "stopping", args.name)
    time.sleep(args.stop_seconds)  # Liferay takes a moment to shut down
    if args.pidfile:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(args.pidfile)
    log_event(args.log, "stopped", args.name)
    return 0


def read_log(path):
    """[(event, epoch, name, pid)] of a stand-in log."""
    events = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        event, epoch, name, pid = line.split()
        events.append((event, float(epoch), name, int(pid)))
    return events


# ---- the stand-in Docker CLI ---------------------------------------------------------------------------


def _state():
    return Path(os.environ["LIFERAY_STANDIN_DOCKER"])


def container(name):
    path = _state() / "containers" / ("%s.json" % name)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def start_container(name):
    """Start the stand-in of a container (detached, as dockerd would run it)."""
    spec = container(name)
    state = _state()
    command = [sys.executable, os.path.abspath(__file__), "serve", "--name", name, "--port", str(spec["port"])]
    command += ["--log", str(state / "events.log"), "--pidfile", str(state / ("%s.pid" % name))]
    command += ["--config", str(state / ("%s.conf" % name))]
    with open(state / ("%s.out" % name), "a", encoding="utf-8") as out:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    for _ in range(100):  # until it wrote its pid file
        if (state / ("%s.pid" % name)).exists():
            return
        time.sleep(0.02)


def _alive(pid):
    """Whether the process runs (a zombie, which nobody reaped yet, does not)."""
    try:
        stat = Path("/proc/%d/stat" % pid).read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def stop_container(name, timeout=10.0):
    """SIGTERM, then wait until the process is gone (as docker stop does; SIGKILL after the timeout)."""
    pidfile = _state() / ("%s.pid" % name)
    try:
        pid = int(pidfile.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return
    if not _alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.02)


def docker(argv):
    with open(_state() / "docker.log", "a", encoding="utf-8") as handle:
        handle.write("%.6f %s\n" % (time.time(), " ".join(argv)))
    if argv[:1] == ["restart"] and len(argv) == 2:
        if container(argv[1]) is None:
            sys.stderr.write("Error response from daemon: No such container: %s\n" % argv[1])
            return 1
        stop_container(argv[1])
        start_container(argv[1])
        print(argv[1])
        return 0
    if argv[:1] in (["start"], ["stop"]) and len(argv) == 2 and container(argv[1]) is not None:
        (start_container if argv[0] == "start" else stop_container)(argv[1])
        print(argv[1])
        return 0
    if argv[:1] == ["inspect"] and "--format" in argv:
        spec = container(argv[-1])
        if spec is None:
            sys.stderr.write("Error: No such container: %s\n" % argv[-1])
            return 1
        print(json.dumps(spec.get("env", [])))
        return 0
    sys.stderr.write("liferay_standin docker: unsupported: %s\n" % " ".join(argv))
    return 2


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["docker"]:
        return docker(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve")
    run.add_argument("--name", required=True)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8080)
    run.add_argument("--log", required=True)
    run.add_argument("--pidfile")
    run.add_argument("--config")
    run.add_argument("--refuse", type=float, default=1.0)
    run.add_argument("--ready", type=float, default=3.0)
    run.add_argument("--never", action="store_true")
    run.add_argument("--stop-seconds", type=float, default=0.5)
    args = parser.parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
