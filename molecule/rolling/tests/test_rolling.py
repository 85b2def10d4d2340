"""rolling scenario: converge changed portal-ext.properties on the three nodes, so the role restarted their
`liferay` service one node at a time; idempotence changed nothing and restarted nothing. The stand-in
Liferay of each node (tests/harness/liferay_standin.py) logged when it went down (SIGTERM) and when it first served
200 on /c/portal/robots; the containers share the host's clock, so the three logs are on one time line.

Then liferay-2 is made to never come back (503 forever): a change to every node fails the play naming
liferay-2 and its answer, liferay-1 (before it) was restarted and runs, liferay-3 (after it) was not restarted.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import testinfra

NODES = ("liferay-1", "liferay-2", "liferay-3")
EVENTS = "/var/log/liferay-standin/events.log"
CONFIG = "/etc/default/liferay-standin"
URL = "http://127.0.0.1:8080/c/portal/robots"
ROOT = Path(__file__).resolve().parents[3]
# where the measured time line is kept for the record (.run is the project's local state)
TIMELINE = ROOT / ".run" / "molecule-rolling-timeline.json"


@pytest.fixture(scope="module")
def nodes():
    return {name: testinfra.get_host("podman://" + name) for name in NODES}


def events(node):
    """[(event, epoch)] of the node's stand-in, oldest first."""
    lines = node.file(EVENTS).content_string.splitlines()
    return [(line.split()[0], float(line.split()[1])) for line in lines]


def down_intervals(node_events):
    """[(down, healthy)]: from the SIGTERM of a process to the first 200 of the next one."""
    intervals, down = [], None
    for event, epoch in node_events:
        if event == "stopping" and down is None:
            down = epoch
        elif event == "healthy" and down is not None:
            intervals.append((down, epoch))
            down = None
    if down is not None:
        intervals.append((down, None))
    return intervals


def answer(node):
    """What the node's health URL answers, asked from the node itself."""
    script = (
        "import urllib.request,sys\n"
        "try:\n"
        "    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)\n"
        "except Exception as e:\n"
        "    print(getattr(e, 'code', None) or type(e).__name__)\n"
    )
    return node.check_output("python3 -c %s %s", script, URL)


def test_converge_restarted_one_node_at_a_time_each_healthy_before_the_next(nodes):
    by_node = {name: events(node) for name, node in nodes.items()}
    for name, node_events in by_node.items():
        # prepare started it; converge restarted it once; idempotence did not
        assert [event for event, _ in node_events] == [
            "start",
            "listening",
            "healthy",
            "stopping",
            "stopped",
            "start",
            "listening",
            "healthy",
        ], (name, node_events)
    intervals = {name: down_intervals(by_node[name])[0] for name in NODES}
    for before, after in itertools.pairwise(NODES):
        assert intervals[after][0] > intervals[before][1], intervals  # down only once the one before answered
    timeline = {
        name: {
            "down": intervals[name][0],
            "healthy": intervals[name][1],
            "seconds_down": round(intervals[name][1] - intervals[name][0], 3),
        }
        for name in NODES
    }
    for before, after in itertools.pairwise(NODES):
        timeline[after]["seconds_after_previous_healthy"] = round(intervals[after][0] - intervals[before][1], 3)
    TIMELINE.parent.mkdir(exist_ok=True)
    TIMELINE.write_text(json.dumps({"converge": timeline}, indent=2) + "\n", encoding="utf-8")
    for node in nodes.values():
        assert answer(node) == "200"


def test_check_mode_restarts_nothing_and_names_the_nodes(playbook, nodes):
    before = {name: events(node) for name, node in nodes.items()}
    run = playbook("playbooks/site.yml", "--check", mail_session_from_name="Rolling Portal (check)")
    assert run.returncode == 0, run.output
    assert "check mode: a real run would restart liferay-1, liferay-2, liferay-3, in this order, one at a time" in (
        " ".join(run.output.split())
    )
    assert {name: events(node) for name, node in nodes.items()} == before


def test_a_node_that_never_comes_back_fails_the_play_and_stops_the_rollout(playbook, nodes):
    nodes["liferay-2"].check_output("sed -i 's/^NEVER=.*/NEVER=1/' %s", CONFIG)
    before = {name: len(events(node)) for name, node in nodes.items()}

    run = playbook(
        "playbooks/site.yml", mail_session_from_name="Rolling Portal (changed)", mail_session_restart_health_timeout=8
    )

    assert run.returncode == 2, run.output
    output = " ".join(run.output.split())
    assert (
        "liferay-2 did not answer 2xx on %s within 8 s of its restart; its last answer: 503 Liferay is starting; "
        "the rollout stops here: not restarted: liferay-3" % URL
    ) in output, run.output
    after = {name: events(node)[before[name] :] for name, node in nodes.items()}
    # before it: restarted, healthy again, and still running
    assert [event for event, _ in after["liferay-1"]] == ["stopping", "stopped", "start", "listening", "healthy"]
    assert answer(nodes["liferay-1"]) == "200"
    # the node itself: down, up, never healthy
    assert [event for event, _ in after["liferay-2"]] == ["stopping", "stopped", "start", "listening"]
    assert answer(nodes["liferay-2"]) == "503"
    # after it: written but not restarted (the old process runs on)
    assert after["liferay-3"] == []
    assert "Rolling Portal (changed)" in nodes["liferay-3"].file("/opt/liferay/portal-ext.properties").content_string
    assert answer(nodes["liferay-3"]) == "200"
    record = json.loads(TIMELINE.read_text(encoding="utf-8")) if TIMELINE.exists() else {}
    record["never_comes_back"] = {
        "liferay-1": {"down": after["liferay-1"][0][1], "healthy": after["liferay-1"][-1][1]},
        "liferay-2": {"down": after["liferay-2"][0][1], "healthy": None},
        "liferay-3": "not restarted",
    }
    TIMELINE.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
