# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side filters of the mail_session role."""

from __future__ import annotations

import os

import ansible.module_utils

# The role's module_utils are written for modules (imported as
# ansible.module_utils.<name> on the target); let controller plugins import the
# very same files instead of keeping a copy of the Liferay knowledge.
_MODULE_UTILS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "module_utils")
if _MODULE_UTILS not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(_MODULE_UTILS)

from ansible.module_utils.liferay_mail import portal_properties, verify_targets  # noqa: E402


def mail_session_portal_properties(settings, part="all"):
    """Role settings -> portal properties; *part* is public, secret or all."""
    if part not in ("public", "secret", "all"):
        raise ValueError("part must be public, secret or all")
    return portal_properties(settings, part)


def mail_session_verify_targets(settings):
    """Role settings -> {"smtp": {...}, "store": {...} or None} for mail_session_verify."""
    return verify_targets(settings)


class FilterModule:
    def filters(self):
        return {
            "mail_session_portal_properties": mail_session_portal_properties,
            "mail_session_verify_targets": mail_session_verify_targets,
        }
