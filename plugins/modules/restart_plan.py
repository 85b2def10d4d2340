#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done on the controller by plugins/action/restart_plan.py;
# this file carries its documentation, as Ansible's own action plugins do.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: restart_plan
short_description: Plan the rolling restart of the Liferay nodes whose mail settings changed
description:
  - Runs on the controller (an action plugin), once for the play (C(run_once)); contacts no host and changes nothing.
  - Takes, in play order, the hosts of O(hosts) that have a restart request in O(requests) - the role's handler
    notes one on each host whose settings changed - and returns RV(steps) for M(liferay_ops.mail.restart_node) -
    restart a node, wait until a node answers 2xx - ordered so that a node is restarted only once every node
    restarted before it, but the last C(concurrency) - 1, answered healthy. The smallest C(concurrency) among the
    requests applies. Hosts whose request has no restart method are returned in RV(pending).
  - In check mode the steps are returned all the same (M(liferay_ops.mail.restart_node) then restarts nothing)
    and a warning lists the hosts a real run would restart, in their order.
  - Fails, restarting nothing, when a request's health URL is not an C(http://) or C(https://) URL, its timeout or
    concurrency is below 1, or the play's strategy is not C(linear) (with C(free), a node could be restarted before
    the others told they need it).
version_added: "2.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  hosts:
    description: The hosts of the play batch, in play order (C(ansible_play_batch)).
    type: list
    elements: str
    required: true
  requests:
    description:
      - Host name to its restart request, empty for a host that changed nothing. A request has C(method)
        (C(service), C(docker), or empty for none), C(name) (the service or the container), C(env_file) (Docker -
        the env file the container should have been created with), C(health_url), C(health_timeout) (seconds)
        and C(concurrency).
    type: dict
    required: true
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
"""

EXAMPLES = r"""
- name: Plan the restart
  liferay_ops.mail.restart_plan:
    hosts: "{{ ansible_play_batch }}"
    requests:
      liferay-1: {method: service, name: liferay, health_url: "http://127.0.0.1:8080/c/portal/robots",
                  health_timeout: 900, concurrency: 1}
      liferay-2: {}
  run_once: true
  register: plan
"""

RETURN = r"""
steps:
  description: The operations in order, each with C(rollout) (an id for this plan), C(host), C(op) (C(restart) or
    C(wait)) and the host's request.
  returned: always
  type: list
  elements: dict
hosts:
  description: The hosts to restart, in order.
  returned: always
  type: list
  elements: str
pending:
  description: Hosts whose settings changed but that have no restart method.
  returned: always
  type: list
  elements: str
concurrency:
  description: How many nodes may be down at once; null when there is nothing to restart.
  returned: always
  type: int
"""
