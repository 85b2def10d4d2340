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
  - With a O(restart_service) (or a O(docker_container)) it reports, from O(rollout), whether the role's rolling
    restart restarted this host and how long the host took to answer 2xx on its health URL.
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
  docker_container:
    description:
      - With O(deployment=docker), the container the role restarts; empty means nothing restarts it.
    type: str
    default: ""
    version_added: "2.0.0"
  rollout:
    description:
      - The results of the rolling restart (the C(results) of the role's M(liferay_ops.mail.restart_node) loop); the
        entries of this host give RV(restarted) and RV(seconds_to_healthy).
    type: list
    elements: dict
    default: []
    version_added: "2.0.0"
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
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
restarted:
  description: Whether the rolling restart restarted this host (never in check mode).
  returned: always
  type: bool
  version_added: "2.0.0"
seconds_to_healthy:
  description: Seconds from this host's restart until it answered 2xx on its health URL; null when not restarted.
  returned: always
  type: float
  version_added: "2.0.0"
"""
