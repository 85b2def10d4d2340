#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done on the controller by plugins/action/restart_pending.py;
# this file carries its documentation, as Ansible's own action plugins do.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: restart_pending
short_description: Say, per host, that Liferay must be restarted for changed mail settings to take effect
description:
  - Runs on the controller (an action plugin); contacts no host and changes nothing.
  - Liferay reads its mail settings at startup and caches its mail sessions (C(MailServiceImpl)). The role's
    handler runs this after a task changed what Liferay reads; without a O(restart_service) (and in check mode)
    it warns, with the word "restart", and returns RV(restart_pending) true (the role registers the result as
    C(mail_session_restart_result)).
version_added: "1.2.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  restart_service:
    description: The service the role restarts; empty means nothing restarts Liferay.
    type: str
    default: ""
  deployment:
    description: C(host) or C(docker) (the message then says to restart the container).
    type: str
    default: host
extends_documentation_fragment:
  - liferay_ops.mail.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Tell that Liferay must be restarted
  liferay_ops.mail.restart_pending:
    restart_service: ""
"""

RETURN = r"""
restart_pending:
  description: Whether Liferay still runs with the old settings.
  returned: always
  type: bool
"""
