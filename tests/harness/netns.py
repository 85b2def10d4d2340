"""Network namespaces for the tests, made and removed by the tests themselves (no pytest in here).

Everything here needs root (``ip netns``, nftables) and iproute2 + nftables installed (``make deps``).
Nothing leaves the machine: a namespace starts with nothing but its own loopback; what a test adds is

- ``veth()``: a veth pair, one end in the root namespace and one in ours, on a /30 of 198.18.0.0/15
  (RFC 2544's benchmarking range, not routed anywhere): the root namespace reaches the namespace's
  address through it, and nothing else;
- ``sink()``: addresses of the namespace on an interface that leads nowhere, with the namespace's
  default route on it. A packet for any other address is counted by the OUTPUT hook and then
  discarded, so "nothing was sent elsewhere" is a count that could be non-zero, not a send that
  failed for want of a route;
- ``nft()``: an nftables ruleset inside the namespace (drop rules, counters read by ``counters()``);
- ``etc()``: files that ``ip netns exec`` bind-mounts over /etc (resolv.conf, hosts, nsswitch.conf)
  for the programs run in the namespace with ``command()``.

``module_process()`` runs ``liferay_ops.mail.verify`` the way Ansible runs a module (a Python process
with an arguments file, result JSON on stdout) behind such a wrapper command.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.ansible_run import COLLECTIONS  # this checkout as the collection liferay_ops.mail

_counter = itertools.count(1)


class NetNSError(RuntimeError):
    """The namespace could not be set up; the message says why."""


def missing_requirements():
    """What prevents NetNS from working here (empty list = nothing)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (ip netns and nftables need it; make test runs as root)")
    for tool in ("ip", "nft"):
        if not shutil.which(tool):
            problems.append("%s is missing (install iproute2 and nftables: make deps)" % tool)
    return problems


def _run(argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if proc.returncode:
        raise NetNSError("%s failed (exit %d): %s" % (" ".join(argv), proc.returncode, proc.stderr.strip()))
    return proc.stdout


def _subnets_in_use():
    """The text of every IPv4 address and route of the root namespace (to pick a /30 nobody uses)."""
    return _run(["ip", "-4", "-o", "addr", "show"]) + _run(["ip", "-4", "route", "show", "table", "all"])


class NetNS:
    """``with NetNS() as ns:`` a fresh network namespace, removed (with its veth pair and its
    /etc/netns directory) on exit."""

    def __init__(self, prefix="lrmail"):
        number = next(_counter)
        self.name = "%s%dn%d" % (prefix, os.getpid(), number)
        # interface names have at most 15 characters
        self._tag = "%d%d" % (os.getpid() % 100000, number % 100)
        self.etc_dir = Path("/etc/netns") / self.name
        self.host_addr = self.ns_addr = None
        self.host_if = None

    # -- lifecycle ---------------------------------------------------------------

    def __enter__(self):
        problems = missing_requirements()
        if problems:
            raise NetNSError("cannot make a network namespace: " + "; ".join(problems))
        _run(["ip", "netns", "add", self.name])
        try:
            self.ip("link", "set", "lo", "up")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        # deleting the namespace deletes the veth end inside it, and so the pair
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, check=False)
        if self.host_if:
            subprocess.run(["ip", "link", "del", self.host_if], capture_output=True, check=False)
        shutil.rmtree(self.etc_dir, ignore_errors=True)

    # -- plumbing ----------------------------------------------------------------

    def ip(self, *args):
        return _run(["ip", "-n", self.name, *args])

    def command(self, *argv):
        """argv run inside the namespace (with the files of etc() bind-mounted over /etc)."""
        return ["ip", "netns", "exec", self.name, *map(str, argv)]

    def veth(self):
        """A veth pair to the namespace; -> (address in the root namespace, address in ours)."""
        used = _subnets_in_use()
        seed = os.getpid() * 7 + next(_counter)
        for offset in range(16384):
            block = (seed + offset) % 16384  # /30 blocks of 198.18.0.0/16
            third, fourth = divmod(block * 4, 256)
            prefix = "198.18.%d." % third
            if any("%s%d" % (prefix, fourth + k) in used for k in range(4)) or ("%s0/" % prefix) in used:
                continue
            host, peer = "%s%d" % (prefix, fourth + 1), "%s%d" % (prefix, fourth + 2)
            break
        else:
            raise NetNSError("no free /30 in 198.18.0.0/16")
        self.host_if, inner = "lrh%s" % self._tag, "lrn%s" % self._tag
        _run(["ip", "link", "add", self.host_if, "type", "veth", "peer", "name", inner, "netns", self.name])
        _run(["ip", "addr", "add", host + "/30", "dev", self.host_if])
        _run(["ip", "link", "set", self.host_if, "up"])
        self.ip("addr", "add", peer + "/30", "dev", inner)
        self.ip("link", "set", inner, "up")
        self.host_addr, self.ns_addr = host, peer
        return host, peer

    def sink(self, *addresses, prefix=24):
        """The namespace's default route into a black hole, and these addresses of its own on it: a
        veth pair with both ends inside the namespace (some kernels have no dummy device), the
        addresses and the route on one end, nothing on the other, so a packet for any address not
        in the namespace goes through the OUTPUT hook (where counters see it), then waits for an
        ARP answer that never comes and is discarded."""
        self.ip("link", "add", "sink0", "type", "veth", "peer", "name", "sink1")
        for address in addresses:
            self.ip("addr", "add", "%s/%d" % (address, prefix), "dev", "sink0")
        self.ip("link", "set", "sink1", "up")
        self.ip("link", "set", "sink0", "up")
        self.ip("route", "add", "default", "dev", "sink0")

    def nft(self, ruleset):
        """Load an nftables ruleset (nft -f syntax) inside the namespace."""
        _run(self.command("nft", "-f", "-"), input=ruleset)

    def counters(self):
        """{comment: packets} of every rule with a comment and a counter in the namespace's ruleset."""
        data = json.loads(_run(self.command("nft", "-j", "list", "ruleset")))
        found = {}
        for item in data.get("nftables", []):
            rule = item.get("rule")
            if not rule or "comment" not in rule:
                continue
            for expr in rule.get("expr", []):
                if "counter" in expr:
                    found[rule["comment"]] = expr["counter"]["packets"]
        return found

    def etc(self, name, text):
        """/etc/netns/<ns>/<name>: what programs run through command() see as /etc/<name>."""
        self.etc_dir.mkdir(parents=True, exist_ok=True)
        (self.etc_dir / name).write_text(text, encoding="utf-8")

    def popen(self, *argv, **kwargs):
        return subprocess.Popen(self.command(*argv), **kwargs)


# --------------------------------------------------------------------------
# the verify module as a process
# --------------------------------------------------------------------------


def module_process(args, wrapper=(), timeout=60):
    """Run liferay_ops.mail.verify as Ansible runs a module (python + an arguments file) behind the
    wrapper command (e.g. NetNS.command()); -> (result dict, wall seconds)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    try:
        argv = [
            *wrapper,
            "env",
            "PYTHONPATH=" + COLLECTIONS,
            sys.executable,
            "-m",
            "ansible_collections.liferay_ops.mail.plugins.modules.verify",
            handle.name,
        ]
        started = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        elapsed = time.monotonic() - started
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
    try:
        result = json.loads(proc.stdout)
    except ValueError as exc:
        raise NetNSError(
            "the module printed no JSON (exit %d): %s %s" % (proc.returncode, proc.stdout, proc.stderr)
        ) from exc
    return result, elapsed
