# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the mail settings on the controller; see plugins/modules/validate.py for the docs."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import validate_app_server
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import validate
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation_generation import (
    validate_for_generation,
    validate_settings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import parse_version


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("settings", "allow_unusual_ports"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        settings = self._task.args.get("settings")
        if not isinstance(settings, dict):
            return dict(result, failed=True, msg="settings must be a mapping of mail settings")
        allow_unusual_ports = bool(self._task.args.get("allow_unusual_ports", False))
        # the generation, when inventory says it; otherwise it is detected on the host and the
        # checks that depend on it follow in validate_generation
        try:
            generation = parse_version(settings.get("liferay_version") or "").generation
        except OsgiError:
            generation = ""  # validate_settings names the variable
        settings = dict(settings, generation=generation)
        findings = validate(settings, allow_unusual_ports)
        validate_app_server(settings, findings)
        validate_settings(settings, findings, allow_unusual_ports)
        if generation and not findings.errors:
            # the version is in inventory: the generation's checks need no detection on the host
            validate_for_generation(settings, generation, findings)
        result["changed"] = False
        result["errors"] = findings.errors
        if findings.warnings:
            result["warnings"] = findings.warnings
        if findings.errors:
            result["failed"] = True
            result["msg"] = "The mail settings are not valid; nothing was changed on any host:\n- " + "\n- ".join(
                findings.errors
            )
        else:
            result["msg"] = "mail settings are valid"
        return result
