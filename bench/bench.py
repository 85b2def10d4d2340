#!/usr/bin/env python3
"""Benchmarks of the mail_session role; prints tables, every figure measured in this run.

1. Converge and idempotent re-run wall time for N local hosts (each with its own
   LIFERAY_HOME), for: the role (writing portal-ext.properties and verifying SMTP
   and POP3 against a local mail server); a baseline written the way most roles do
   it (one lineinfile per key plus wait_for on the two ports: bench/baseline.yml);
   and the floor (one ansible.builtin.ping per host). Ratios role/baseline and
   role/floor, tasks executed per host, and the peak RSS of the controller's
   processes (the largest of ansible-playbook and its forks).
2. What the Liferay version in inventory saves: the role's converge and re-run for N hosts
   (--detect-hosts, default 30) with mail_session_liferay_version set, and without it, each
   LIFERAY_HOME holding the .liferay-version file the role then detects the version from.
3. The verification module (mail_session_verify's probes, called in-process): the
   latency of a healthy check per protocol, and the time to report a closed port, a
   connection that is never accepted (SYNs dropped by an nftables rule inside a
   network namespace this script creates, on its own loopback) and a server that
   accepts but never answers, against the configured timeout.

Usage: bench/bench.py [--hosts 1,10,50,100] [--detect-hosts 30] [--forks 10] [--repeat 2] [--timeout 2] [--smoke]
`make bench` runs the full set; `make test` runs --smoke (2 hosts) so it cannot rot.
Nothing here contacts an address outside 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tools"))

from dev_collection import ensure as ensure_collection_link  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import ssh_targets  # noqa: E402

# this checkout as the collection liferay_ops.mail (tools/dev_collection.py)
COLLECTIONS = ensure_collection_link()
sys.path.insert(0, str(COLLECTIONS))
DEMO = ROOT / "tools" / "demo_mail_server.py"
DEMO_USER = "demo@localhost.localdomain"
DEMO_PASSWORD = "bench-p@ss,1"  # noqa: S105 - the throwaway server's account
TARGET_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

# --------------------------------------------------------------------------- helpers


def settings(smtp_port, pop_port):
    return {
        "mail_session_smtp_host": "127.0.0.1",
        "mail_session_smtp_port": smtp_port,
        "mail_session_smtp_security": "none",
        "mail_session_smtp_user": DEMO_USER,
        "mail_session_smtp_password": DEMO_PASSWORD,
        "mail_session_store_protocol": "pop3",
        "mail_session_pop_host": "127.0.0.1",
        "mail_session_pop_port": pop_port,
        "mail_session_pop_security": "none",
        "mail_session_pop_user": DEMO_USER,
        "mail_session_pop_password": DEMO_PASSWORD,
        "mail_session_javamail_properties": {"mail.smtp.connectiontimeout": 10000, "mail.smtp.timeout": 10000},
        "mail_session_from_name": "Bench",
        "mail_session_from_address": "bench@localhost.localdomain",
        # the version in inventory spares the detection round trip per host (README: Liferay generations)
        "mail_session_liferay_version": "7.4.3.132",
    }


def write_inventory(workdir, count, group_vars, version_file=None, ssh=None):
    """version_file: the content of each LIFERAY_HOME's .liferay-version (None: no such file).
    ssh: SshTargets (bench/ssh_targets.py) to reach each host over its own SSH connection, else local."""
    hosts = {}
    for index in range(1, count + 1):
        home = workdir / ("h%03d" % index)
        home.mkdir(parents=True, exist_ok=True)
        if version_file is not None:
            (home / ".liferay-version").write_text(version_file + "\n", encoding="utf-8")
        hosts["h%03d" % index] = {"mail_session_liferay_home": str(home)}
        if ssh is not None:
            # a target's Python: the system's, which has the standard library only
            hosts["h%03d" % index].update(ssh.host_vars(index), ansible_python_interpreter=TARGET_PYTHON)
    inventory = {
        "all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
            "children": {"liferay": {"hosts": hosts, "vars": group_vars}},
        }
    }
    path = workdir / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory), encoding="utf-8")
    return path


MEASURE = r"""
import resource, subprocess, sys, time
started = time.monotonic()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.monotonic() - started
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write("%d %.4f %d\n" % (proc.returncode, elapsed, rss))
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
"""


def run_playbook(inventory, playbook, forks, workdir, env_extra=None):
    """-> (seconds, peak RSS in MiB of the controller's process tree, recap)."""
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-local"),
            "PATH": "%s:%s" % (BIN, env.get("PATH", "")),
        }
    )
    env.update(env_extra or {})
    cmd = [str(BIN / "ansible-playbook"), "-i", str(inventory), "-f", str(forks), str(playbook)]
    # a fresh interpreter, so RUSAGE_CHILDREN covers this run's processes only
    proc = subprocess.run([sys.executable, "-c", MEASURE, *cmd], env=env, cwd=ROOT, capture_output=True, text=True)
    first, _, output = proc.stdout.partition("\n")
    returncode, elapsed, rss_kib = first.split()
    if returncode != "0":
        sys.exit("%s failed:\n%s\n%s" % (playbook.name, output[-4000:], proc.stderr[-2000:]))
    recap = {
        host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
        for host, counts in re.findall(r"^(\S+)\s+: (ok=.*)$", output, re.MULTILINE)
    }
    return float(elapsed), int(rss_kib) / 1024, recap


def tasks_per_host(recap):
    # the recap's ok counts changed tasks too
    counts = [stats.get("ok", 0) + stats.get("failed", 0) for stats in recap.values()]
    return statistics.mean(counts) if counts else 0


def changed(recap):
    return sum(stats.get("changed", 0) for stats in recap.values())


class DemoMailServer:
    def __init__(self, workdir):
        self.state = workdir / "mail"

    def __enter__(self):
        env = dict(os.environ, DEMO_MAIL_PASSWORD=DEMO_PASSWORD)
        subprocess.run(
            [
                sys.executable,
                str(DEMO),
                "start",
                "--state-dir",
                str(self.state),
                "--smtp-port",
                "0",
                "--pop3-port",
                "0",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        ready = json.loads((self.state / "ready.json").read_text())
        self.smtp_port, self.pop_port = ready["smtp_port"], ready["pop3_port"]
        return self

    def __exit__(self, *exc):
        subprocess.run([sys.executable, str(DEMO), "stop", "--state-dir", str(self.state)], capture_output=True)


# the playbooks measured, by key: (label, playbook)
VARIANTS = {
    "floor": ("floor (ping)", ROOT / "bench" / "floor.yml"),
    "baseline": ("baseline (lineinfile + wait_for)", ROOT / "bench" / "baseline.yml"),
    "role": ("role", ROOT / "playbooks" / "site.yml"),
    # three pings: the role's module runs and nothing else (what Ansible charges for them)
    "pings": ("3 x ping (the role's module runs)", ROOT / "bench" / "module_runs.yml"),
    # the same under Mitogen's strategy (PyPI mitogen, optional: --ssh-variants ...,floor-mitogen,role-mitogen)
    "floor-mitogen": ("floor (ping), Mitogen", ROOT / "bench" / "floor.yml"),
    "role-mitogen": ("role, Mitogen", ROOT / "playbooks" / "site.yml"),
}


# --------------------------------------------------------------------------- 1. converge


def bench_converge(host_counts, forks, smoke, repeats):
    """Each variant converges and re-runs *repeats* times, interleaved; the fastest of each is kept
    (on a shared 2-core machine the slower runs measure the neighbours, not the playbook)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="mail-session-bench-") as tmp:
        tmp = Path(tmp)
        with DemoMailServer(tmp) as mail:
            group_vars = settings(mail.smtp_port, mail.pop_port)
            variants = dict(VARIANTS[key] for key in ("floor", "baseline", "role"))
            for count in host_counts:
                figures = {}
                for attempt in range(repeats):
                    for name, playbook in variants.items():
                        # the baseline is slow and steady: once is enough
                        if attempt and name.startswith("baseline"):
                            continue
                        new = converge_and_rerun(
                            tmp / ("%s-%d" % (playbook.stem, count)), name, playbook, count, forks, group_vars
                        )
                        old = figures.get(name, new)
                        figures[name] = (min(old[0], new[0]), min(old[1], new[1]), new[2], max(old[3], new[3]))
                rows.append((count, figures))
                print_converge_row(count, forks, figures)
                if not smoke:
                    print_argument_spec_share(tmp, count, forks, group_vars, figures["role"][3])
    return rows


def converge_and_rerun(workdir, name, playbook, count, forks, group_vars, version_file=None, ssh=None):
    """-> (converge s, re-run s, tasks per host, peak RSS MiB) on fresh LIFERAY_HOMEs.
    ssh: (SshTargets, pipelining, extra environment) to run over SSH; each run starts with no
    connection open."""
    inventory = write_inventory(workdir, count, group_vars, version_file, ssh and ssh[0])
    runs = []
    for _ in range(2):
        env = dict(ssh[0].run_env(ssh[1]), **ssh[2]) if ssh else None
        try:
            runs.append(run_playbook(inventory, playbook, forks, workdir, env))
        finally:
            if ssh:
                ssh[0].close_masters()
    (converge, rss, recap), (rerun, rss2, recap2) = runs
    if name != "floor (ping)" and changed(recap2):
        sys.exit("%s: the re-run changed %d tasks; it must change nothing" % (name, changed(recap2)))
    shutil.rmtree(workdir)
    return converge, rerun, tasks_per_host(recap), max(rss, rss2)


def print_argument_spec_share(tmp, count, forks, group_vars, role_rss):
    """Peak RSS of the role's converge without meta/argument_specs.yml: what Ansible's automatic
    argument validation costs the controller (every host's result of it carries the whole spec,
    and the linear strategy keeps all hosts' results of a task until the task is done)."""
    collections = tmp / "collection-without-argument-specs"
    copy = collections / "ansible_collections" / "liferay_ops" / "mail"
    if not copy.exists():
        copy.mkdir(parents=True)
        for part in ("galaxy.yml", "meta", "plugins", "playbooks", "roles"):
            (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, copy / part)
        (copy / "roles" / "mail_session" / "meta" / "argument_specs.yml").unlink()
    workdir = tmp / ("no-argspec-%d" % count)
    inventory = write_inventory(workdir, count, group_vars)
    _, rss, _ = run_playbook(
        inventory, copy / "playbooks" / "site.yml", forks, workdir, {"ANSIBLE_COLLECTIONS_PATH": str(collections)}
    )
    shutil.rmtree(workdir)
    print(
        "  peak RSS of the role's converge without meta/argument_specs.yml (attribution only): %.0f MiB; "
        "the automatic argument validation accounts for %.0f MiB" % (rss, role_rss - rss)
    )


def print_converge_row(count, forks, figures):
    print("\n%d host(s), %d forks" % (count, forks))
    print("  %-34s %10s %10s %11s %10s" % ("", "converge", "re-run", "tasks/host", "peak RSS"))
    for name, (converge, rerun, tasks, rss) in figures.items():
        print("  %-34s %9.2fs %9.2fs %11.1f %8.0f MiB" % (name, converge, rerun, tasks, rss))
    floor = figures["floor (ping)"]
    base = figures["baseline (lineinfile + wait_for)"]
    role = figures["role"]
    print(
        "  role/floor: converge %.2fx, re-run %.2fx    role/baseline: converge %.2fx, re-run %.2fx    "
        "RSS role/baseline %.2f"
        % (role[0] / floor[0], role[1] / floor[1], role[0] / base[0], role[1] / base[1], role[3] / base[3])
    )


# --------------------------------------------------------------------------- 1b. over SSH


def mitogen_env():
    """The environment that runs a playbook under Mitogen's linear strategy, or None without Mitogen."""
    try:
        import ansible_mitogen
    except ImportError:
        return None
    strategy = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    return {"ANSIBLE_STRATEGY_PLUGINS": str(strategy), "ANSIBLE_STRATEGY": "mitogen_linear"}


# issue 16's targets, over SSH with pipelining (docs/benchmark.md)
SSH_TARGETS = {"role/floor": 2.2, "role/baseline": 0.15, "RSS role/baseline": 1.15}


def bench_ssh(host_counts, forks, repeats, modes, variants, task_times=True):
    """The converge and re-run of floor, baseline and role over real OpenSSH (one sshd address and
    connection per host: bench/ssh_targets.py), with and without pipelining, interleaved, the
    fastest of *repeats* kept; -> {(hosts, pipelining): {variant: (converge, re-run, tasks, RSS)}}."""
    problem = ssh_targets.available()
    if problem:
        print("\nover SSH: skipped (%s)" % problem)
        return {}
    if any(key.endswith("-mitogen") for key in variants) and mitogen_env() is None:
        print("\nover SSH, Mitogen: skipped (pip install mitogen into the venv to measure it)")
        variants = [key for key in variants if not key.endswith("-mitogen")]
    table = {}
    with tempfile.TemporaryDirectory(prefix="mail-session-bench-") as tmp:
        tmp = Path(tmp)
        with DemoMailServer(tmp) as mail, ssh_targets.SshTargets(tmp, max(host_counts)) as targets:
            group_vars = settings(mail.smtp_port, mail.pop_port)
            for count in host_counts:
                for pipelining in modes:
                    figures = {}
                    for attempt in range(repeats):
                        for key in variants:
                            name, playbook = VARIANTS[key]
                            if attempt and key == "baseline":
                                continue  # slow and steady: once is enough
                            new = converge_and_rerun(
                                tmp / ("ssh-%s-%d" % (key, count)),
                                name,
                                playbook,
                                count,
                                forks,
                                group_vars,
                                ssh=(targets, pipelining, mitogen_env() if key.endswith("-mitogen") else {}),
                            )
                            old = figures.get(key, new)
                            figures[key] = (min(old[0], new[0]), min(old[1], new[1]), new[2], max(old[3], new[3]))
                    table[(count, pipelining)] = figures
                    print_ssh_row(count, forks, pipelining, figures)
            if task_times and "role" in variants:
                print_task_times(tmp, targets, max(host_counts), forks, group_vars, modes[-1])
    print_ssh_markdown(table)
    return table


def print_task_times(tmp, targets, count, forks, group_vars, pipelining):
    """Where the role's converge and re-run spend their time over SSH: each task's wall time, from its
    start to the next one's (bench/callback_plugins/task_times.py), for *count* hosts."""
    times = tmp / "task-times.jsonl"
    env = {
        "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "bench" / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "task_times",
        "BENCH_TASK_TIMES": str(times),
    }
    name, playbook = VARIANTS["role"]
    converge_and_rerun(tmp / "task-times", name, playbook, count, forks, group_vars, ssh=(targets, pipelining, env))
    runs = [json.loads(line) for line in times.read_text(encoding="utf-8").splitlines()]
    print(
        "\nwhere the role's time goes over SSH: %d host(s), %d forks, pipelining %s (one run, wall time per task)"
        % (count, forks, "on" if pipelining else "off")
    )
    for label, run in zip(("converge", "re-run"), runs, strict=True):
        print("  %s: %.2f s in all" % (label, run["total"]))
        for task, seconds in run["tasks"]:
            print("    %7.2f s  %s" % (seconds, task.removeprefix("liferay_ops.mail.mail_session : ")[:100]))


def print_ssh_markdown(table):
    """The SSH figures as the Markdown table of docs/benchmark.md (converge / re-run, fastest kept)."""

    def pair(figures, key):
        return "%.1f s / %.1f s" % figures[key][:2] if key in figures else "-"

    def ratio(figures, key, base):
        if key not in figures or base not in figures:
            return "-"
        return "%.2f / %.2f" % (figures[key][0] / figures[base][0], figures[key][1] / figures[base][1])

    print(
        "\n| hosts | pipelining | floor (ping) | 3 x ping | baseline | role | role/floor | role/baseline "
        "| peak RSS role/baseline | role under Mitogen | Mitogen role/floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (count, pipelining), figures in table.items():
        rss = (
            "%.0f / %.0f MiB" % (figures["role"][3], figures["baseline"][3])
            if "role" in figures and "baseline" in figures
            else "-"
        )
        print(
            "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
            % (
                count,
                "on" if pipelining else "off",
                pair(figures, "floor"),
                pair(figures, "pings"),
                pair(figures, "baseline"),
                pair(figures, "role"),
                ratio(figures, "role", "floor"),
                ratio(figures, "role", "baseline"),
                rss,
                pair(figures, "role-mitogen"),
                ratio(figures, "role-mitogen", "floor"),
            )
        )


def print_ssh_row(count, forks, pipelining, figures):
    print("\nover SSH: %d host(s), %d forks, pipelining %s" % (count, forks, "on" if pipelining else "off"))
    print("  %-34s %10s %10s %11s %10s" % ("", "converge", "re-run", "tasks/host", "peak RSS"))
    for key, (converge, rerun, tasks, rss) in figures.items():
        print("  %-34s %9.2fs %9.2fs %11.1f %8.0f MiB" % (VARIANTS[key][0], converge, rerun, tasks, rss))
    role, floor, base = figures.get("role"), figures.get("floor"), figures.get("baseline")
    if not role:
        return
    ratios = {}
    if floor:
        ratios["role/floor"] = (role[0] / floor[0], role[1] / floor[1])
    if base:
        ratios["role/baseline"] = (role[0] / base[0], role[1] / base[1])
        ratios["RSS role/baseline"] = (role[3] / base[3],)
    pings = figures.get("pings")
    if pings and floor:
        ratios["3 x ping/floor"] = (pings[0] / floor[0], pings[1] / floor[1])
    if pings and floor:
        # what a module run costs here: the two pings beyond the floor's one (connections and start are the rest)
        run = ((pings[0] - floor[0]) / 2, (pings[1] - floor[1]) / 2)
        print(
            "  one more module run per host: +%.2f s / +%.2f s (%.2f / %.2f of the floor); the role above its "
            "three module runs (controller-side work, heavier modules): +%.2f s / +%.2f s"
            % (run[0], run[1], run[0] / floor[0], run[1] / floor[1], role[0] - pings[0], role[1] - pings[1])
        )
    mitogen = figures.get("role-mitogen")
    if mitogen:
        ratios["Mitogen role/role"] = (mitogen[0] / role[0], mitogen[1] / role[1])
        if floor:
            ratios["Mitogen role/floor"] = (mitogen[0] / floor[0], mitogen[1] / floor[1])
    for label, values in ratios.items():
        shown = " / ".join("%.2f" % value for value in values)
        verdict = ""
        if pipelining and label in SSH_TARGETS:
            verdict = "  (target <= %.2f: %s)" % (
                SSH_TARGETS[label],
                "met" if max(values) <= SSH_TARGETS[label] else "NOT met",
            )
        print("  %-20s %s%s" % (label, shown, verdict))


# --------------------------------------------------------------------------- 2. version detection

# what Liferay's release tool writes into a 7.4 GA132 bundle's .liferay-version
DETECTED_VERSION = "7.4.3.132-ga132"


def bench_detection(count, forks, repeats):
    """The role with the version in inventory and detected from .liferay-version, interleaved,
    the fastest of *repeats* kept for each; -> {name: (converge s, re-run s, tasks per host)}."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="mail-session-bench-") as tmp:
        tmp = Path(tmp)
        with DemoMailServer(tmp) as mail:
            with_version = settings(mail.smtp_port, mail.pop_port)
            without = {key: value for key, value in with_version.items() if key != "mail_session_liferay_version"}
            variants = {
                "version in inventory": (with_version, None),
                "version detected (.liferay-version)": (without, DETECTED_VERSION),
            }
            for _attempt in range(repeats):
                for name, (group_vars, version_file) in variants.items():
                    workdir = tmp / ("detect-%d" % len(figures))
                    new = converge_and_rerun(
                        workdir, name, ROOT / "playbooks" / "site.yml", count, forks, group_vars, version_file
                    )[:3]
                    old = figures.get(name, new)
                    figures[name] = (min(old[0], new[0]), min(old[1], new[1]), new[2])
    print("\nthe Liferay version: %d host(s), %d forks (fastest of %d)" % (count, forks, repeats))
    print("  %-40s %10s %10s %11s" % ("", "converge", "re-run", "tasks/host"))
    for name, (converge, rerun, tasks) in figures.items():
        print("  %-40s %9.2fs %9.2fs %11.1f" % (name, converge, rerun, tasks))
    given, detected = figures["version in inventory"], figures["version detected (.liferay-version)"]
    print(
        "  detection costs: converge +%.2f s (%.2fx), re-run +%.2f s (%.2fx)"
        % (detected[0] - given[0], detected[0] / given[0], detected[1] - given[1], detected[1] / given[1])
    )
    return figures


# --------------------------------------------------------------------------- 3. verification


def load_verify_module():
    """The verification's probes (plugins/module_utils/probes), what mail_session_verify runs on each host."""
    from types import SimpleNamespace

    from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.smtp import SMTPProbe
    from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.store import POP3Probe
    from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.tls import make_ssl_context

    return SimpleNamespace(SMTPProbe=SMTPProbe, POP3Probe=POP3Probe, make_ssl_context=make_ssl_context)


def probe(module, family, port, timeout, user=DEMO_USER, password=DEMO_PASSWORD, host="127.0.0.1"):
    opts = {"timeout": timeout, "ssl_context": module.make_ssl_context(True, None), "cert_expiry_warn_days": 30}
    cfg = {"host": host, "port": port, "security": "none", "user": user, "password": password}
    cls = module.SMTPProbe if family == "smtp" else module.POP3Probe
    started = time.monotonic()
    result = cls(cfg, opts).run(0, 0)
    return time.monotonic() - started, result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def silent_server():
    """A listener that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return server, held


DROPPED = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import bench
module = bench.load_verify_module()
elapsed, result = bench.probe(module, "smtp", int(sys.argv[2]), float(sys.argv[3]))
print("%.4f %s %s" % (elapsed, result["error_class"], result["error"]))
"""


def dropped_connection(timeout):
    """Time to report a port whose SYNs are dropped, measured inside a throwaway network namespace."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("nft"):
        return None, "needs root, iproute2 and nftables"
    name = "mailbench%d" % os.getpid()
    port = 2525
    try:
        subprocess.run(["ip", "netns", "add", name], check=True)
        netns = ["ip", "netns", "exec", name]
        subprocess.run([*netns, "ip", "link", "set", "lo", "up"], check=True)
        subprocess.run([*netns, "nft", "add", "table", "inet", "bench"], check=True)
        subprocess.run(
            [
                *netns,
                "nft",
                "add",
                "chain",
                "inet",
                "bench",
                "input",
                "{ type filter hook input priority 0; policy accept; }",
            ],
            check=True,
        )
        subprocess.run(
            [*netns, "nft", "add", "rule", "inet", "bench", "input", "tcp", "dport", str(port), "drop"], check=True
        )
        proc = subprocess.run(
            [*netns, sys.executable, "-c", DROPPED, str(ROOT / "bench"), str(port), str(timeout)],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed, error_class, _ = proc.stdout.strip().split(" ", 2)
        return float(elapsed), error_class
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def bench_verification(timeout, repeats):
    module = load_verify_module()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mail-session-bench-") as tmp, DemoMailServer(Path(tmp)) as mail:
        for family, port in (("smtp", mail.smtp_port), ("pop3", mail.pop_port)):
            probe(module, family, port, timeout)  # warm up
            times = []
            for _ in range(repeats):
                elapsed, result = probe(module, family, port, timeout)
                if not result["ok"]:
                    sys.exit("healthy %s check failed: %s" % (family, result["error"]))
                times.append(elapsed)
            rows.append(
                (
                    "healthy %s (login, %s)" % (family.upper(), "AUTH" if family == "smtp" else "STAT"),
                    statistics.median(times),
                    "ok",
                    "< 0.100 s",
                )
            )
    elapsed, result = probe(module, "smtp", free_port(), timeout)
    rows.append(("closed port", elapsed, result["error_class"], "<= %.1f s" % (timeout + 1)))
    elapsed, error_class = dropped_connection(timeout)
    rows.append(("dropped connection (nftables drop in a netns)", elapsed, error_class, "<= %.1f s" % (timeout + 1)))
    server, held = silent_server()
    try:
        elapsed, result = probe(module, "smtp", server.getsockname()[1], timeout)
        rows.append(("accepts, never answers", elapsed, result["error_class"], "<= %.1f s" % (timeout + 1)))
    finally:
        server.close()
        for conn in held:
            conn.close()
    print("\nverification module, timeout %.1f s (median of %d for healthy checks)" % (timeout, repeats))
    print("  %-46s %10s  %-14s %s" % ("case", "time", "reported as", "target"))
    for case, elapsed, outcome, target in rows:
        shown = "%9.3fs" % elapsed if elapsed is not None else "   skipped"
        print("  %-46s %10s  %-14s %s" % (case, shown, outcome, target))
    return rows


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", default="1,10,50,100", help="comma-separated host counts")
    parser.add_argument(
        "--detect-hosts", type=int, default=30, help="hosts for the version in inventory vs detected (0: skip)"
    )
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=2.0, help="verification timeout per check (s)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of floor and role per host count (fastest kept)")
    parser.add_argument("--ssh-hosts", default="1,10,50", help="comma-separated host counts over SSH (empty: skip)")
    parser.add_argument("--ssh-pipelining", choices=("both", "on", "off"), default="both")
    parser.add_argument(
        "--ssh-variants",
        default="floor,pings,baseline,role,floor-mitogen,role-mitogen",
        help="over SSH, which of floor, pings, baseline, role, floor-mitogen, role-mitogen to run "
        "(the Mitogen ones when PyPI mitogen is installed: make bench installs it)",
    )
    parser.add_argument(
        "--sections",
        default="local,ssh,detection,verification",
        help="which parts to run: local (converge over local connections), ssh, detection, verification",
    )
    parser.add_argument("--smoke", action="store_true", help="a quick run (2 hosts, few repeats) for make test")
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    host_counts = [2] if args.smoke else [int(n) for n in args.hosts.split(",")]
    forks = min(args.forks, 2) if args.smoke else args.forks
    print(
        "machine: %s, %d cores, Python %s, %s"
        % (
            platform.platform(),
            os.cpu_count(),
            platform.python_version(),
            subprocess.run([str(BIN / "ansible"), "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        )
    )
    repeats = 1 if args.smoke else max(1, args.repeat)
    if "local" in sections:
        bench_converge(host_counts, forks, args.smoke, repeats)
    ssh_hosts = [2] if args.smoke else [int(n) for n in args.ssh_hosts.split(",") if n]
    if "ssh" in sections and ssh_hosts:
        modes = {"both": (False, True), "on": (True,), "off": (False,)}[args.ssh_pipelining]
        variants = args.ssh_variants.split(",")
        if args.smoke:
            # that the SSH hosts, the role over them and the table still work, in about a minute
            modes, variants = (True,), ["floor", "role"]
        bench_ssh(ssh_hosts, forks, repeats, modes, variants, task_times=not args.smoke)
    detect_hosts = 1 if args.smoke else args.detect_hosts
    if "detection" in sections and detect_hosts > 0:
        bench_detection(detect_hosts, forks, repeats)
    if "verification" in sections:
        bench_verification(args.timeout, 3 if args.smoke else 20)


if __name__ == "__main__":
    main()
