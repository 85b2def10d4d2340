# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One step of the rolling restart on the node it is delegated to; see plugins/modules/restart_node.py.

The role runs this once for the play (run_once) over the steps of liferay_ops.mail.restart_plan, each item
delegated to the step's host. Ansible runs the items of one task one after the other, in one worker process:
_ROLLOUTS keeps, per rollout, what the earlier items did (when each node was restarted, whether the rollout
stopped), so that no item restarts a node after a failure and each wait counts from its node's restart.
"""

from __future__ import annotations

import time

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

# rollout id -> {"stopped": {"host": ..., "msg": ...} or None, "restarted": {host: controller epoch}}
_ROLLOUTS: dict[str, dict] = {}


def _module_error(result):
    """What a failed module said, in one line (never its invocation)."""
    text = result.get("msg") or result.get("stderr") or result.get("stdout") or "failed"
    if result.get("rc") not in (None, 0):
        text = "%s (exit status %s)" % (text, result["rc"])
    return " ".join(str(text).split())


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("step",))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        step = dict(self._task.args.get("step") or {})
        host, op = step.get("host"), step.get("op")
        result.update(changed=False, host=host, op=op, restarted=False)
        if not host or op not in ("restart", "wait") or not step.get("rollout"):
            return self._fail(result, "step must be an item of liferay_ops.mail.restart_plan's steps")
        if self._task.delegate_to != host:
            return self._fail(result, "%s: this step must run with delegate_to: %s (the step's host)" % (host, host))
        state = _ROLLOUTS.setdefault(step["rollout"], {"stopped": None, "restarted": {}})
        try:
            if op == "restart":
                return self._restart(result, step, state, task_vars)
            return self._wait(result, step, state, task_vars)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def _fail(self, result, message, state=None, step=None):
        """Fail this step; with the rollout's state, stop the rollout here (no later restart)."""
        result["failed"] = True
        if state is not None and state["stopped"] is None:
            left = [host for host in (step or {}).get("order") or [] if host not in state["restarted"]]
            left = [host for host in left if host != result["host"]]
            message += "; the rollout stops here" + (": not restarted: %s" % ", ".join(left) if left else "")
            state["stopped"] = {"host": result["host"], "msg": message}
        result["msg"] = message
        return result

    def _call(self, name, args, task_vars):
        try:
            return self._execute_module(module_name=name, module_args=args, task_vars=task_vars)
        except AnsibleError as error:  # the node is unreachable, or Python is missing there
            return {"failed": True, "msg": str(error)}

    def _restart(self, result, step, state, task_vars):
        host, method, name = step["host"], step.get("method"), step.get("name")
        if state["stopped"]:
            result["skipped"] = True
            result["msg"] = "%s not restarted: the rollout stopped at %s" % (host, state["stopped"]["host"])
            return result
        what = "the container %s" % name if method == "docker" else "the service %s" % name
        if self._task.check_mode:
            result["changed"] = True
            result["msg"] = "check mode: %s would be restarted (%s)" % (host, what)
            return result

        if method == "docker" and step.get("env_file"):
            env = self._call(
                "liferay_ops.mail.container_env_info", {"container": name, "env_file": step["env_file"]}, task_vars
            )
            if env.get("failed"):
                return self._fail(result, "%s: %s not restarted: %s" % (host, what, _module_error(env)), state, step)
            if env.get("differ"):
                message = (
                    "%s: %s was not restarted: it keeps the environment it was created with, and %s of %s differ%s "
                    "(docker restart would not apply %s); create the container again for the new mail settings "
                    "to take effect (docker compose up -d, or docker rm and docker run --env-file %s)"
                    % (
                        host,
                        what,
                        ", ".join(env["differ"]),
                        step["env_file"],
                        "s" if len(env["differ"]) == 1 else "",
                        "it" if len(env["differ"]) == 1 else "them",
                        step["env_file"],
                    )
                )
                result.update(restart_pending=True, recreate=env["differ"], msg=message, warnings=[message])
                return result

        if method == "docker":
            module, args = "ansible.legacy.command", {"argv": ["docker", "restart", name]}
        else:
            module, args = "ansible.legacy.service", {"name": name, "state": "restarted"}
        started = time.time()
        outcome = self._call(module, args, task_vars)
        if outcome.get("failed"):
            return self._fail(
                result, "%s: restarting %s failed: %s" % (host, what, _module_error(outcome)), state, step
            )
        state["restarted"][host] = started
        result.update(
            changed=True,
            restarted=True,
            restart_started=round(started, 3),
            restart_seconds=round(time.time() - started, 3),
            msg="%s: %s restarted" % (host, what),
        )
        return result

    def _wait(self, result, step, state, task_vars):
        host, url = step["host"], step.get("health_url")
        timeout = int(step["health_timeout"])
        if self._task.check_mode:
            result["msg"] = "check mode: %s would then be asked %s until it answers 2xx" % (host, url)
            return result
        started = state["restarted"].get(host)
        if started is None:
            result["skipped"] = True
            result["msg"] = "%s was not restarted: nothing to wait for" % host
            return result
        result["restarted"] = True
        called = time.time()
        remaining = max(0.0, timeout - (called - started))
        answer = self._call(
            "liferay_ops.mail.wait_healthy", {"url": url, "timeout": remaining, "interval": 1}, task_vars
        )
        result.update(
            restart_started=round(started, 3),
            health_url=answer.get("url", url),
            status=answer.get("status"),
            answer=answer.get("answer"),
            attempts=answer.get("attempts"),
        )
        if answer.get("healthy"):
            healthy_at = called + float(answer.get("elapsed") or 0)
            result.update(
                healthy=True,
                healthy_at=round(healthy_at, 3),
                seconds_to_healthy=round(healthy_at - started, 3),
                msg="%s answered %s on %s %.1f s after its restart"
                % (host, answer.get("answer"), answer.get("url", url), healthy_at - started),
            )
            return result
        result.update(healthy=False, seconds_to_healthy=None)
        if "answer" in answer:
            why = "did not answer 2xx on %s within %d s of its restart; its last answer: %s" % (
                answer.get("url", url),
                timeout,
                answer["answer"],
            )
        else:
            why = "could not be asked %s: %s" % (url, _module_error(answer))
        return self._fail(result, "%s %s" % (host, why), state, step)
