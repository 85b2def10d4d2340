"""Issue 15 through the real ansible-playbook: the rolling restart of the hosts whose mail settings changed.

Three local hosts, each a Docker host of one Liferay container (mail_session_deployment: docker, DXP 2026:
the .config files to mount). No Docker daemon and no Liferay run here: the `docker` the role calls is the
stand-in CLI of tests/harness/liferay_standin.py, and each "container" is a stand-in Liferay on a loopback port that
refuses connections for a moment after its start, then answers 503, then 200 on /c/portal/robots, logging
when it goes down and when it first served 200. Those logs prove the order; the service path
(ansible.builtin.service on a real init script) is proven by the molecule scenario `rolling`.
"""

from __future__ import annotations

import http.server
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import harness
import pytest
import yaml
from harness.ansible_run import ansible_module, fictional_servers, playbook, write_inventory
from harness.liferay_standin import read_log

STANDIN = Path(harness.__file__).resolve().parent / "liferay_standin.py"
NODES = ("node1", "node2", "node3")
SMTP_PASSWORD = "Sm7p-r0lling-secret"
POP_PASSWORD = "P0p-r0lling-secret"

BASE_VARS = {
    **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
    "mail_session_deployment": "docker",
    "mail_session_liferay_version": "liferay/dxp:2026.q1.0-lts",
    "mail_session_restart_health_timeout": 20,
    # the sender would go to an env file, which only the test of a container's environment has
    "mail_session_from_address": "",
}

PLAY = """\
- name: The role, then what it registered
  hosts: liferay
  gather_facts: false
  roles: [liferay_ops.mail.mail_session]
  post_tasks:
    - name: Record the registered results
      ansible.builtin.copy:
        content: >-
          {{ {'result': mail_session_restart_result | default(None),
              'rollout': mail_session_restart_rollout | default(None)} | to_json }}
        dest: "%s/{{ inventory_hostname }}.json"
        mode: "0600"
      delegate_to: localhost
      check_mode: false
      changed_when: false
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answer(port):
    try:
        url = "http://127.0.0.1:%d/c/portal/robots" % port
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL built here
            return response.status
    except OSError as error:
        return getattr(error, "code", None) or str(error)


class Cluster:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.state = tmp_path / "docker"
        (self.state / "containers").mkdir(parents=True)
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        docker = self.bin / "docker"
        docker.write_text('#!/bin/sh\nexec "%s" "%s" docker "$@"\n' % (sys.executable, STANDIN), encoding="utf-8")
        docker.chmod(0o755)
        self.results = tmp_path / "results"
        self.results.mkdir()
        self.play = tmp_path / "play.yml"
        self.env = dict(
            os.environ, LIFERAY_STANDIN_DOCKER=str(self.state), PATH="%s:%s" % (self.bin, os.environ["PATH"])
        )
        self.ports = {}
        for node in NODES:
            self.ports[node] = free_port()
            self.create(node, env=[])
            self.configure(node)
            self.docker("start", self.container(node))
        self.wait_healthy()

    @staticmethod
    def container(node):
        return "liferay-" + node

    def create(self, node, env):
        """`docker run` of the stand-in: the environment the container was created with."""
        spec = {"port": self.ports[node], "env": env}
        (self.state / "containers" / ("%s.json" % self.container(node))).write_text(json.dumps(spec), encoding="utf-8")

    def configure(self, node, refuse=0.3, ready=1.2, never=False):
        """How the node's next start behaves: refused, then 503, then 200 (never, with never)."""
        text = "REFUSE=%s\nREADY=%s\nSTOP=0.2\nNEVER=%d\n" % (refuse, ready, never)
        (self.state / ("%s.conf" % self.container(node))).write_text(text, encoding="utf-8")

    def docker(self, *args):
        subprocess.run([sys.executable, str(STANDIN), "docker", *args], env=self.env, check=True, capture_output=True)

    def wait_healthy(self, timeout=15):
        deadline = time.monotonic() + timeout
        while any(answer(port) != 200 for port in self.ports.values()):
            assert time.monotonic() < deadline, {node: answer(port) for node, port in self.ports.items()}
            time.sleep(0.2)

    def inventory(self, host_vars=None, **overrides):
        hosts = {}
        for node in NODES:
            hosts[node] = {
                "mail_session_docker_container": self.container(node),
                "mail_session_docker_configs_dir": str(self.tmp / node / "osgi-configs"),
                "mail_session_restart_health_url": "http://127.0.0.1:%d/c/portal/robots" % self.ports[node],
                **(host_vars or {}).get(node, {}),
            }
        return write_inventory(self.tmp / "hosts.yml", hosts, dict(BASE_VARS, **overrides))

    def run(self, *args, serial=None, **overrides):
        for old in self.results.iterdir():
            old.unlink()
        play = PLAY % self.results
        if serial:
            play = play.replace("  gather_facts: false\n", "  gather_facts: false\n  serial: %d\n" % serial)
        self.play.write_text(play, encoding="utf-8")
        host_vars = overrides.pop("host_vars", None)
        return playbook(self.inventory(host_vars, **overrides), *args, playbook=str(self.play), extra_env=self.env)

    def registered(self, node):
        return json.loads((self.results / ("%s.json" % node)).read_text(encoding="utf-8"))

    def events(self, since=0.0):
        """{node: [(event, epoch)]} of the stand-ins since an epoch."""
        by_node = {node: [] for node in NODES}
        for event, epoch, name, _ in read_log(self.state / "events.log"):
            if epoch >= since:
                by_node[name.removeprefix("liferay-")].append((event, epoch))
        return by_node

    def restarts(self):
        """The `docker restart` calls, in order."""
        log = (self.state / "docker.log").read_text(encoding="utf-8").splitlines()
        return [line.split()[-1].removeprefix("liferay-") for line in log if line.split()[1] == "restart"]

    def stop(self):
        for node in NODES:
            subprocess.run([sys.executable, str(STANDIN), "docker", "stop", self.container(node)], env=self.env)


@pytest.fixture
def cluster(tmp_path):
    nodes = Cluster(tmp_path)
    yield nodes
    nodes.stop()


def down_intervals(events):
    """[(went down, first 200 served)] of one node: SIGTERM to the first 200 of the next process."""
    intervals, down = [], None
    for event, epoch in events:
        if event == "stopping" and down is None:
            down = epoch
        elif event == "healthy" and down is not None:
            intervals.append((down, epoch))
            down = None
    if down is not None:
        intervals.append((down, float("inf")))
    return intervals


def most_down_at_once(events):
    """The largest number of nodes down at the same moment."""
    edges = sorted(
        (moment, step)
        for intervals in map(down_intervals, events.values())
        for start, end in intervals
        for moment, step in ((start, 1), (end, -1))
    )
    most = down = 0
    for _, step in edges:
        down += step
        most = max(most, down)
    return most


def assert_no_secret(output):
    assert SMTP_PASSWORD not in output and POP_PASSWORD not in output


def test_one_node_at_a_time_each_healthy_before_the_next_goes_down(cluster):
    since = time.time()
    run = cluster.run()

    assert run.returncode == 0, run.output
    assert cluster.restarts() == list(NODES)
    events = cluster.events(since)
    intervals = {node: down_intervals(events[node]) for node in NODES}
    assert all(len(intervals[node]) == 1 for node in NODES), events
    for before, after in itertools.pairwise(NODES):
        # the next node goes down only after the one before answered 200
        assert intervals[after][0][0] > intervals[before][0][1], events
    assert most_down_at_once(events) == 1
    for node in NODES:
        # the stand-in stops in 0.2 s, refuses for 0.3 s and answers 200 from 1.2 s after its start
        result = cluster.registered(node)["result"]
        assert result["restarted"] is True and result["restart_pending"] is False, result
        assert 1.4 <= result["seconds_to_healthy"] <= 6, result
        assert answer(cluster.ports[node]) == 200
    steps = cluster.registered("node1")["rollout"]["results"]
    assert [(step["op"], step["host"]) for step in steps] == [
        (op, node) for node in NODES for op in ("restart", "wait")
    ]
    assert all(step["healthy_at"] > step["restart_started"] for step in steps if step["op"] == "wait")
    assert "(item=restart node1)" in run.output and "(item=wait node3)" in run.output
    assert_no_secret(run.output)

    # nothing changed: nothing is restarted, and nothing says "restart"
    again = cluster.run()
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0, again.output
    assert cluster.restarts() == list(NODES)
    assert "RUNNING HANDLER" not in again.output
    assert cluster.registered("node1") == {"result": None, "rollout": None}


def test_only_the_hosts_whose_settings_changed_are_restarted(cluster):
    assert cluster.run().returncode == 0
    assert cluster.restarts() == list(NODES)

    since = time.time()
    run = cluster.run(host_vars={"node2": {"mail_session_smtp_port": 2525}})

    assert run.returncode == 0, run.output
    assert run.recap["node2"]["changed"] >= 1 and run.recap["node1"]["changed"] == 0, run.output
    assert cluster.restarts() == [*NODES, "node2"]
    events = cluster.events(since)
    assert events["node1"] == [] and events["node3"] == [], events
    assert cluster.registered("node2")["result"]["restarted"] is True
    assert cluster.registered("node1")["result"] is None  # the handler did not run for it


TWICE = """\
- name: The role twice in one play, the second time changing node2 only
  hosts: liferay
  gather_facts: false
  tasks:
    - name: First run
      ansible.builtin.include_role:
        name: liferay_ops.mail.mail_session
    - name: Restart what the first run changed
      ansible.builtin.meta: flush_handlers
    - name: Second run
      ansible.builtin.include_role:
        name: liferay_ops.mail.mail_session
      vars:
        # the role's default port, 587, on the hosts without second_smtp_port
        mail_session_smtp_port: "{{ second_smtp_port | default(587) }}"
"""


def test_a_second_run_in_the_same_play_restarts_only_what_it_changed(cluster):
    # the handlers forget every host's restart note once the rollout is done: the second run's plan has
    # node2 only, not the nodes the first run restarted
    cluster.play.write_text(TWICE, encoding="utf-8")
    inventory = cluster.inventory({"node2": {"second_smtp_port": 2525}})
    run = playbook(inventory, playbook=str(cluster.play), extra_env=cluster.env)
    assert run.returncode == 0, run.output
    assert cluster.restarts() == [*NODES, "node2"], run.output


def test_concurrency_two_never_more_than_two_down(cluster):
    since = time.time()
    run = cluster.run(mail_session_restart_concurrency=2)

    assert run.returncode == 0, run.output
    events = cluster.events(since)
    assert most_down_at_once(events) == 2, events
    node1, node3 = down_intervals(events["node1"])[0], down_intervals(events["node3"])[0]
    assert node3[0] > node1[1], events  # node3 went down only once node1 was back
    steps = cluster.registered("node3")["rollout"]["results"]
    assert [(step["op"], step["host"]) for step in steps] == [
        ("restart", "node1"),
        ("restart", "node2"),
        ("wait", "node1"),
        ("restart", "node3"),
        ("wait", "node2"),
        ("wait", "node3"),
    ]


def test_a_node_that_never_comes_back_stops_the_rollout(cluster):
    cluster.configure("node2", never=True)  # answers 503 forever after its next start
    since = time.time()

    run = cluster.run(mail_session_restart_health_timeout=3)

    assert run.returncode != 0, run.output
    url = "http://127.0.0.1:%d/c/portal/robots" % cluster.ports["node2"]
    assert (
        "node2 did not answer 2xx on %s within 3 s of its restart; its last answer: 503 Liferay is starting; "
        "the rollout stops here: not restarted: node3" % url in run.output
    )
    assert "skipping: [node1] => (item=restart node3)" in run.output
    assert cluster.restarts() == ["node1", "node2"]
    events = cluster.events(since)
    assert [event for event, _ in events["node3"]] == [], events  # not restarted
    assert [event for event, _ in events["node1"]][-1] == "healthy"  # restarted before, and still runs
    assert answer(cluster.ports["node1"]) == 200 and answer(cluster.ports["node3"]) == 200
    # the play stopped for every host: nothing after the rollout ran
    assert run.returncode == 2 and "Tell whether Liferay runs with the new mail settings" not in run.output
    assert not list(cluster.results.iterdir())
    assert_no_secret(run.output)


def test_serial_batches_one_node_down_across_the_play_and_a_failure_stops_the_later_batches(cluster):
    since = time.time()
    run = cluster.run(serial=1)

    assert run.returncode == 0, run.output
    events = cluster.events(since)
    assert most_down_at_once(events) == 1, events
    for before, after in itertools.pairwise(NODES):
        assert down_intervals(events[after])[0][0] > down_intervals(events[before])[0][1], events

    cluster.configure("node2", never=True)
    since = time.time()
    failed = cluster.run(serial=1, mail_session_smtp_port=2525, mail_session_restart_health_timeout=3)

    assert failed.returncode == 2, failed.output
    assert "node2 did not answer 2xx" in failed.output
    assert cluster.restarts() == [*NODES, "node1", "node2"]
    assert cluster.events(since)["node3"] == []
    # the batch of node3 never ran: its file still has the port of the first run
    config = next((cluster.tmp / "node3" / "osgi-configs").glob("*MailSettingCompanyConfiguration.config"))
    assert 'outgoingSMTPPort="587"' in config.read_text(encoding="utf-8")


def test_check_mode_restarts_nothing_and_lists_the_hosts(cluster):
    before = cluster.events()
    run = cluster.run("--check")

    assert run.returncode == 0, run.output
    assert (
        "[WARNING]: check mode: a real run would restart node1, node2, node3, in this order, one at a time, "
        "each answering 2xx on its health URL before the next goes down" in run.output
    )
    assert not (cluster.state / "docker.log").read_text(encoding="utf-8").count(" restart ")
    assert cluster.events() == before
    result = cluster.registered("node1")["result"]
    assert result["restarted"] is False and result["restart_pending"] is True, result
    assert not list(cluster.tmp.glob("node*/osgi-configs/*.config"))


def test_check_mode_with_a_restart_service_contacts_no_service(tmp_path):
    """deployment host: a service that does not exist would fail the service module if it were called."""
    homes = {}
    for node in NODES:
        homes[node] = tmp_path / node
        homes[node].mkdir()
    hosts = {node: {"mail_session_liferay_home": str(home)} for node, home in homes.items()}
    group_vars = dict(
        fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
        mail_session_liferay_version="7.4.3.132",
        mail_session_restart_service="liferay-service-that-does-not-exist",
    )
    inventory = write_inventory(tmp_path / "hosts.yml", hosts, group_vars)

    run = playbook(inventory, "--check")

    assert run.returncode == 0, run.output
    assert "check mode: a real run would restart node1, node2, node3, in this order, one at a time" in run.output
    assert "changed: [node1 -> node2] => (item=restart node2)" in run.output
    assert not any(home.joinpath("portal-ext.properties").exists() for home in homes.values())

    # and a real run does call it: the first node's failure stops the rollout there
    real = playbook(inventory)
    assert real.returncode != 0
    assert "node1: restarting the service liferay-service-that-does-not-exist failed" in real.output
    assert "the rollout stops here: not restarted: node2, node3" in real.output
    assert "skipping: [node1] => (item=restart node2)" in real.output


def test_the_free_strategy_is_refused_before_any_restart(cluster, tmp_path):
    play = tmp_path / "free.yml"
    play.write_text(
        "- hosts: liferay\n  gather_facts: false\n  strategy: free\n  roles: [liferay_ops.mail.mail_session]\n",
        encoding="utf-8",
    )
    run = playbook(cluster.inventory(), playbook=str(play), extra_env=cluster.env)
    assert run.returncode != 0
    assert "the rolling restart of Liferay needs the play's strategy to be linear (the default), not free" in (
        " ".join(run.output.split())
    )
    assert cluster.restarts() == []


def test_without_a_restart_service_the_pending_warning_stays(tmp_path):
    home = tmp_path / "node1"
    home.mkdir()
    inventory = write_inventory(
        tmp_path / "hosts.yml",
        {"node1": {"mail_session_liferay_home": str(home)}},
        dict(fictional_servers(SMTP_PASSWORD, POP_PASSWORD), mail_session_liferay_version="7.4.3.132"),
    )
    run = playbook(inventory)
    assert run.returncode == 0, run.output
    assert "[WARNING]: node1: the mail settings changed, but Liferay reads them only at startup" in run.output
    assert "no node to restart" not in run.output  # the plan says nothing at the default verbosity


def test_a_container_created_with_another_environment_is_not_restarted(cluster):
    env_files = {node: cluster.tmp / node / "liferay.env" for node in NODES}
    for path in env_files.values():
        path.parent.mkdir(exist_ok=True)
    host_vars = {node: {"mail_session_docker_env_file": str(path)} for node, path in env_files.items()}
    since = time.time()

    run = cluster.run(host_vars=host_vars, mail_session_from_address="portal@example.com")

    assert run.returncode == 0, run.output
    assert cluster.restarts() == []
    assert all(events == [] for events in cluster.events(since).values())
    name = "LIFERAY_ADMIN_PERIOD_EMAIL_PERIOD_FROM_PERIOD_ADDRESS"
    assert (
        "node1: the container liferay-node1 was not restarted: it keeps the environment it was created with, and"
        in run.output
    )
    assert name in run.output and "create the container again" in run.output
    assert "portal@example.com" not in run.output.replace("mail_session_from_address", "")
    result = cluster.registered("node1")["result"]
    assert result["restarted"] is False and result["restart_pending"] is True

    # created again with the env file's variables: the next change of the .config files restarts it
    for node, path in env_files.items():
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        cluster.create(node, env=["PATH=/usr/bin", *lines])
    again = cluster.run(
        host_vars=host_vars, mail_session_from_address="portal@example.com", mail_session_smtp_port=2525
    )
    assert again.returncode == 0, again.output
    assert cluster.restarts() == list(NODES)


# --------------------------------------------------------------------------
# The node-side modules on their own
# --------------------------------------------------------------------------


seen = []


class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append(self.path)
        self.send_response(302)
        self.send_header("Location", "/c/portal/login")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


def test_wait_healthy_waits_through_refused_and_503_until_200(cluster, tmp_path):
    cluster.configure("node1", refuse=3, ready=5)  # longer than `ansible` takes to start the module
    cluster.docker("restart", cluster.container("node1"))
    url = "http://127.0.0.1:%d/c/portal/robots" % cluster.ports["node1"]

    rc, output = ansible_module(tmp_path, "liferay_ops.mail.wait_healthy", {"url": url, "timeout": 20, "interval": 0.2})

    assert rc == 0, output
    result = yaml.safe_load(output[output.index(" => ") + 4 :])
    assert result["healthy"] is True and result["status"] == 200 and result["answer"] == "200 OK", result
    assert result["attempts"] >= 2 and 0.2 <= result["elapsed"] <= 10, result


def test_wait_healthy_names_the_last_answer_and_a_redirect_is_not_healthy(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = "http://127.0.0.1:%d/c/portal/robots" % server.server_address[1]
        rc, output = ansible_module(
            tmp_path, "liferay_ops.mail.wait_healthy", {"url": url, "timeout": 1, "interval": 0.3}
        )
    finally:
        server.shutdown()
        server.server_close()
    assert rc != 0
    assert "%s did not answer 2xx within 1 s (last answer: 302 Found, after " % url in " ".join(output.split())
    assert len(seen) >= 2  # asked again, the redirect not followed

    rc, output = ansible_module(
        tmp_path, "liferay_ops.mail.wait_healthy", {"url": "http://127.0.0.1:%d/" % free_port(), "timeout": 0.5}
    )
    assert rc != 0 and "(last answer: connection refused, after " in " ".join(output.split()), output

    secret = "http://admin:S3cret-pw@127.0.0.1:%d/" % free_port()
    rc, output = ansible_module(tmp_path, "liferay_ops.mail.wait_healthy", {"url": secret}, args_from_vars=True)
    assert rc != 0 and "url must not hold a user or password: http://********@127.0.0.1:" in output, output


def test_container_env_info_reads_the_env_file_as_docker_does():
    from ansible_collections.liferay_ops.mail.plugins.modules.container_env_info import differing, parse_env_file

    text = "\ufeff# comment\n\n  LIFERAY_A=1\nLIFERAY_B=x=y \nLIFERAY_FROM_ENV\n#LIFERAY_C=3\nLIFERAY_D=\n"
    values = parse_env_file(text)
    assert values == {"LIFERAY_A": "1", "LIFERAY_B": "x=y ", "LIFERAY_D": ""}
    assert differing(values, ["PATH=/usr/bin", "LIFERAY_A=1", "LIFERAY_B=x=y", "LIFERAY_D="]) == ["LIFERAY_B"]
    assert differing(values, ["LIFERAY_A=1", "LIFERAY_B=x=y "]) == ["LIFERAY_D"]
    assert differing(values, None) == ["LIFERAY_A", "LIFERAY_B", "LIFERAY_D"]


def test_container_env_info_never_shows_what_a_failed_inspect_printed(run_module, tmp_path):
    # a docker inspect that prints the environment and fails with nothing on stderr: the message says
    # how it failed, not what it printed (the environment holds the passwords)
    from ansible_collections.liferay_ops.mail.plugins.modules import container_env_info

    docker = tmp_path / "docker"
    docker.write_text("#!/bin/sh\necho '[\"LIFERAY_MAIL_PASSWORD=%s\"]'\nexit 3\n" % SMTP_PASSWORD, encoding="utf-8")
    docker.chmod(0o755)
    env_file = tmp_path / "liferay.env"
    env_file.write_text("LIFERAY_MAIL_PASSWORD=%s\n" % SMTP_PASSWORD, encoding="utf-8")
    result = run_module(container_env_info, container="liferay-1", env_file=str(env_file), docker=str(docker))
    assert result["failed"] is True
    assert "inspect liferay-1 failed: exit status 3" in result["msg"]
    assert SMTP_PASSWORD not in result["_printed"]
