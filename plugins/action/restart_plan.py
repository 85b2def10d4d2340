# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan the rolling restart of the hosts whose mail settings changed; see plugins/modules/restart_plan.py."""

from __future__ import annotations

import urllib.parse
import uuid

from ansible.plugins.action import ActionBase

REQUEST_KEYS = ("method", "name", "env_file", "health_url", "health_timeout", "concurrency")


def _play_strategy(task):
    """The strategy of the play the task belongs to, or None when it cannot be told."""
    parent = task
    for _depth in range(50):
        play = getattr(parent, "_play", None)
        if play is not None:
            return getattr(play, "strategy", None)
        parent = getattr(parent, "_parent", None)
        if parent is None:
            return None
    return None


def steps_for(hosts, concurrency):
    """The order of operations: a node is restarted only once every node restarted before it but the last
    concurrency - 1 answered healthy, and the waits come in the order of the restarts."""
    steps = []
    for index, host in enumerate(hosts):
        if index >= concurrency:
            steps.append(("wait", hosts[index - concurrency]))
        steps.append(("restart", host))
    for host in hosts[max(0, len(hosts) - concurrency) :]:
        steps.append(("wait", host))
    return steps


def check_request(host, request):
    """Problems with one host's restart request, each naming the variable."""
    problems = []
    url = urllib.parse.urlsplit(str(request.get("health_url") or ""))
    if url.scheme not in ("http", "https") or not url.hostname:
        problems.append("%s: mail_session_restart_health_url must be an http:// or https:// URL with a host" % host)
    elif "@" in url.netloc:
        problems.append("%s: mail_session_restart_health_url must not hold a user or password" % host)
    for key, variable, minimum in (
        ("health_timeout", "mail_session_restart_health_timeout", 1),
        ("concurrency", "mail_session_restart_concurrency", 1),
    ):
        try:
            value = int(request.get(key))
        except (TypeError, ValueError):
            value = None
        if value is None or value < minimum:
            problems.append(
                "%s: %s must be a whole number of at least %d, not %r" % (host, variable, minimum, request.get(key))
            )
    return problems


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("hosts", "requests"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        hosts = list(self._task.args.get("hosts") or [])
        requests = dict(self._task.args.get("requests") or {})
        result.update(changed=False, steps=[], hosts=[], pending=[], concurrency=None)

        strategy = str(_play_strategy(self._task) or "")
        # linear and what runs like it (debug, mitogen_linear); a template is not told apart here
        if strategy and "{{" not in strategy and not strategy.endswith(("linear", "debug")):
            result["failed"] = True
            result["msg"] = (
                "the rolling restart of Liferay needs the play's strategy to be linear (the default), not %s: "
                "with it, a node could be restarted before the other nodes told they need it" % strategy
            )
            return result

        wanted = []
        for host in hosts:
            request = requests.get(host) or {}
            if not request:
                continue  # this host changed nothing
            if not request.get("method"):
                result["pending"].append(host)
                continue
            wanted.append((host, request))

        problems = [problem for host, request in wanted for problem in check_request(host, request)]
        if problems:
            result["failed"] = True
            result["msg"] = "no node was restarted: " + "; ".join(problems)
            return result
        if not wanted:
            result["msg"] = "no node to restart"
            return result

        concurrency = min(int(request["concurrency"]) for _host, request in wanted)
        rollout = uuid.uuid4().hex
        by_host = dict(wanted)
        order = [host for host, _request in wanted]
        for op, host in steps_for(order, concurrency):
            request = by_host[host]
            step = {key: request.get(key) for key in REQUEST_KEYS}
            step.update(rollout=rollout, host=host, op=op, health_timeout=int(request["health_timeout"]), order=order)
            result["steps"].append(step)
        result.update(hosts=order, concurrency=concurrency)
        what = "one at a time" if concurrency == 1 else "at most %d at a time" % concurrency
        if self._task.check_mode:
            message = (
                "check mode: a real run would restart %s, in this order, %s, each answering 2xx on its health URL "
                "before the next goes down" % (", ".join(order), what)
            )
            result["warnings"] = [message]
        else:
            message = "restarting %s, in this order, %s" % (", ".join(order), what)
        result["msg"] = message
        return result
