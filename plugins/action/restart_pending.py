# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Say that Liferay must be restarted; see plugins/modules/restart_pending.py for the docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("restart_service", "deployment", "docker_container", "rollout"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        service = self._task.args.get("restart_service") or ""
        deployment = self._task.args.get("deployment") or "host"
        container = self._task.args.get("docker_container") or ""
        host = (task_vars or {}).get("inventory_hostname", "")
        result["changed"] = False
        # what the rolling restart (liferay_ops.mail.restart_node) did on this host
        mine = [
            step for step in self._task.args.get("rollout") or [] if isinstance(step, dict) and step.get("host") == host
        ]
        restart = next((step for step in mine if step.get("op") == "restart"), {})
        wait = next((step for step in mine if step.get("op") == "wait"), {})
        result["restarted"] = bool(restart.get("restarted")) and not self._task.check_mode
        result["seconds_to_healthy"] = wait.get("seconds_to_healthy") if result["restarted"] else None
        if deployment == "docker" and container:
            service = "the container %s" % container
        elif service:
            service = "the service %s" % service
        if service and self._task.check_mode:
            result["restart_pending"] = True
            result["msg"] = "check mode: a real run restarts %s in the rolling restart" % service
            return result
        if service:
            healthy = result["restarted"] and bool(wait.get("healthy"))
            result["restart_pending"] = not healthy
            if healthy:
                result["msg"] = "%s: %s restarted, healthy %.1f s later" % (host, service, wait["seconds_to_healthy"])
            else:  # the rollout said why (a container to create again warns there)
                result["msg"] = restart.get("msg") or wait.get("msg") or "%s: %s was not restarted" % (host, service)
            return result
        pending = True
        result["restart_pending"] = pending
        what = "the container" if deployment == "docker" else "Liferay"
        if self._task.check_mode:
            message = (
                "%s: this run would change mail settings Liferay reads only at startup: after a real run, "
                "restart %s for them to take effect" % (host, what)
            )
        else:
            message = (
                "%s: the mail settings changed, but Liferay reads them only at startup and caches its mail "
                "sessions: restart %s for them to take effect (or set %s to have the role restart it)"
                % (
                    host,
                    what,
                    "mail_session_docker_container" if deployment == "docker" else "mail_session_restart_service",
                )
            )
        result["msg"] = message
        result["warnings"] = [message]
        return result
