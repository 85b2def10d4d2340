#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done on the controller by plugins/action/restart_node.py;
# this file carries its documentation, as Ansible's own action plugins do.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: restart_node
short_description: One step of the rolling restart of Liferay - restart a node, or wait until it answers
description:
  - An action plugin, run by the role's handler once for the play (C(run_once)) in a loop over the C(steps) that
    M(liferay_ops.mail.restart_plan) returns, each item delegated to its step's host (C(delegate_to)). Ansible runs the
    items of one task one after the other, so the order of the plan holds for the whole play.
  - C(restart) restarts the node's service (C(ansible.builtin.service), C(state=restarted)) or, with
    C(method=docker), its container (C(docker restart)). Before restarting a container it compares the container's
    environment with C(env_file) (M(liferay_ops.mail.container_env_info)); when they differ it does not restart -
    a restart keeps the environment the container was created with - and warns that the container must be
    created again, naming the variables, never their values.
  - C(wait) asks C(health_url) from the node itself (M(liferay_ops.mail.wait_healthy)) until it answers 2xx, at most
    C(health_timeout) seconds after the node's restart, and returns how long that took.
  - Once a step failed (a restart that failed, a node that did not answer 2xx in time, a node that cannot be
    reached), the later C(restart) steps of the same rollout restart nothing and are skipped; the C(wait) steps of
    nodes already restarted still run. The failed item fails the task, which fails the play.
  - In check mode nothing is restarted or asked; the restart steps report the change they would make.
version_added: "2.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  step:
    description: One item of the C(steps) that M(liferay_ops.mail.restart_plan) returns.
    type: dict
    required: true
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
notes:
  - The task must run with C(delegate_to) set to the step's host, and its loop must not be split over tasks - the
    state that stops a rollout after a failure lives in the process that runs the loop.
"""

EXAMPLES = r"""
- name: Restart the nodes, at most plan.concurrency at once
  liferay_ops.mail.restart_node:
    step: "{{ item }}"
  loop: "{{ plan.steps }}"
  loop_control:
    label: "{{ item.op }} {{ item.host }}"
  delegate_to: "{{ item.host }}"
  run_once: true
  register: rollout
"""

RETURN = r"""
host:
  description: The step's host.
  returned: always
  type: str
op:
  description: C(restart) or C(wait).
  returned: always
  type: str
restarted:
  description: Whether the node was restarted (for a C(wait) step, by the rollout's C(restart) step).
  returned: always
  type: bool
restart_started:
  description: When the restart was started, seconds since the epoch on the controller.
  returned: when the node was restarted
  type: float
restart_seconds:
  description: How long the restart command took.
  returned: by a C(restart) step that restarted
  type: float
healthy:
  description: Whether the node answered 2xx within the timeout.
  returned: by a C(wait) step of a restarted node
  type: bool
healthy_at:
  description: When the node first answered 2xx, seconds since the epoch on the controller.
  returned: by a C(wait) step of a node that answered 2xx
  type: float
seconds_to_healthy:
  description: Seconds from the restart until the first 2xx answer; null when there was none in time.
  returned: by a C(wait) step of a restarted node
  type: float
answer:
  description: The last answer of the health URL, for example C(200 OK) or C(connection refused).
  returned: by a C(wait) step of a restarted node
  type: str
restart_pending:
  description: True when a container was not restarted because it must be created again.
  returned: when a container was not restarted for that reason
  type: bool
recreate:
  description: The variables of the env file the container was not created with.
  returned: when a container was not restarted for that reason
  type: list
  elements: str
"""
