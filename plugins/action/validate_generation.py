# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the mail settings for the Liferay generation of the host; see plugins/modules/validate_generation.py."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation_generation import (
    validate_for_generation,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import LEGACY, OSGI


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("settings", "generation", "detected"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        settings = self._task.args.get("settings")
        generation = self._task.args.get("generation")
        detected = self._task.args.get("detected") or None
        if not isinstance(settings, dict):
            return dict(result, failed=True, msg="settings must be a mapping of mail settings")
        if generation not in (LEGACY, OSGI):
            return dict(result, failed=True, msg="generation must be %s or %s, not %r" % (LEGACY, OSGI, generation))
        if detected is not None and not isinstance(detected, dict):
            return dict(result, failed=True, msg="detected must be the result of generation_info")
        findings = validate_for_generation(settings, generation, detected=detected)
        result["changed"] = False
        result["generation"] = generation
        result["errors"] = findings.errors
        if findings.warnings:
            result["warnings"] = findings.warnings
        if findings.errors:
            result["failed"] = True
            result["msg"] = (
                "The mail settings cannot be written for this Liferay (%s generation); nothing was changed on any "
                "host:\n- %s" % (generation, "\n- ".join(findings.errors))
            )
        else:
            result["msg"] = "mail settings are valid for the %s generation" % generation
        return result
