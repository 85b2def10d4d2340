# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Say that Liferay must be restarted; see plugins/modules/restart_pending.py for the docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("restart_service", "deployment"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        service = self._task.args.get("restart_service") or ""
        deployment = self._task.args.get("deployment") or "host"
        host = (task_vars or {}).get("inventory_hostname", "")
        result["changed"] = False
        pending = not service or self._task.check_mode
        result["restart_pending"] = pending
        if not pending:
            result["msg"] = "the service %s restarts Liferay" % service
            return result
        what = "the container" if deployment == "docker" else "Liferay"
        if self._task.check_mode:
            message = (
                "%s: this run would change mail settings Liferay reads only at startup: after a real run, "
                "restart %s for them to take effect" % (host, what)
            )
        else:
            message = (
                "%s: the mail settings changed, but Liferay reads them only at startup and caches its mail "
                "sessions: restart %s for them to take effect (or set mail_session_restart_service to have "
                "the role restart it)" % (host, what)
            )
        result["msg"] = message
        result["warnings"] = [message]
        return result
