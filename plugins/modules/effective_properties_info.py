#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: effective_properties_info
short_description: Tell which value of each managed portal property Liferay will use, and which file it comes from
description:
  - Read-only. Reads the portal properties of the Liferay installation in O(liferay_home) the way Liferay
    builds them (C(ClassLoaderAggregateProperties) in portal-impl) - C(portal-bundle.properties),
    C(portal-ext.properties), C(portal-setup-wizard.properties), each followed by the files its
    C(include-and-override) lines name (recursively; absolute and C(${liferay.home}/...) names), then the
    C(LIFERAY_*) variables of O(env_file) - and answers, for every key the role manages, the value Liferay
    will use once O(properties_file) holds O(properties) and O(secret_properties), and the file and line it
    comes from.
  - A conflict is a later source that beats a key the role writes with another value, a key of a namespace
    the role owns (O(owned_prefixes)) that inventory does not set, a key under O(override_prefixes)
    (C(configuration.override.<PID>_...), which beats OSGi configuration files) anywhere in the chain, or an
    O(properties_file) Liferay does not read at all.
  - O(on_conflict) says what a conflict does - C(fail) names each key, the winning file and line, and what
    to do; C(warn) warns; C(own) returns in RV(removals) the keys to remove from the writable files that
    beat the role, and fails only for conflicts in files it cannot write. Values of secrets are never
    returned, only masked.
  - C(include-and-override) names that cannot be followed (classpath resources, C(${...}) references only
    the running Liferay knows) are returned in RV(unreadable) and named in a warning.
version_added: "1.2.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  liferay_home:
    description: LIFERAY_HOME of the installation.
    type: path
    required: true
  properties_file:
    description: The file the role writes its portal properties to.
    type: path
    required: true
  properties:
    description: The keys and values the role writes into O(properties_file) in this run.
    type: dict
    default: {}
  secret_properties:
    description: Like O(properties), for values that are secret; compared, never returned.
    type: dict
    default: {}
  owned_prefixes:
    description:
      - Namespaces the role owns in O(properties_file) (it removes keys there that inventory does not set),
        such as C(mail.session.). Such a key in another file still reaches Liferay and is a conflict.
    type: list
    elements: str
    default: []
  override_prefixes:
    description:
      - Keys that beat what the role writes elsewhere wherever they are, such as
        C(configuration.override.com.liferay.mail.settings.configuration.).
    type: list
    elements: str
    default: []
  env_file:
    description: A Docker env file whose C(LIFERAY_*) variables are read last, as the Liferay image does.
    type: path
  on_conflict:
    description: What a conflict does (see above); C(report) only returns it.
    type: str
    choices: [fail, warn, own, report]
    default: report
  host_label:
    description: Name of the host for the messages.
    type: str
    default: ""
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
notes:
  - Never changes anything; runs in check mode.
  - Reads only the file system - a C(-Dexternal-properties=) file, the C(LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE)
    variable and classpath resources of the running server are not seen.
"""

EXAMPLES = r"""
- name: Which mail settings will Liferay use?
  liferay_ops.mail.effective_properties_info:
    liferay_home: /opt/liferay
    properties_file: /opt/liferay/portal-ext.properties
    properties:
      admin.email.from.address: portal@example.com
    owned_prefixes: [mail.session.]
    on_conflict: fail
"""

RETURN = r"""
effective:
  description: For each managed key, the value Liferay will use (secrets masked) and where it comes from.
  returned: always
  type: dict
  sample:
    admin.email.from.address:
      value: portal@example.com
      file: /opt/liferay/portal-ext.properties
      line: 12
      by_role: true
conflicts:
  description:
    - Keys whose value Liferay takes from elsewhere than the role; kind is C(overridden), C(unmanaged),
      C(override) or C(not_read); writable says whether the role can edit the file.
  returned: always
  type: list
  elements: dict
  sample:
    - key: admin.email.from.address
      kind: overridden
      file: /opt/liferay/portal-setup-wizard.properties
      line: 3
      value: test@liferay.com
      expected: portal@example.com
      writable: true
      message: admin.email.from.address is set at line 3 of /opt/liferay/portal-setup-wizard.properties, ...
sources:
  description: The files read, in Liferay's order (the last definition of a key wins).
  returned: always
  type: list
  elements: dict
unreadable:
  description: C(include-and-override) names that could not be followed, with the reason.
  returned: always
  type: list
  elements: dict
removals:
  description: For each writable file holding conflicting keys, the keys to remove so that the role's values win.
  returned: always
  type: list
  elements: dict
  sample:
    - path: /opt/liferay/portal-setup-wizard.properties
      keys: [admin.email.from.address, admin.email.from.name]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.effective import conflict_text, resolve


def removals(conflicts, properties_file):
    """[{path, keys}] that would leave the role's values in charge (writable files only)."""
    by_path = {}
    for conflict in conflicts:
        if conflict["kind"] == "not_read" or not conflict["writable"]:
            continue
        if conflict["kind"] != "override" and conflict["file"] == properties_file:
            continue
        by_path.setdefault(conflict["file"], []).append(conflict["key"])
    return [{"path": path, "keys": sorted(set(keys))} for path, keys in by_path.items()]


def run(module):
    params = module.params
    desired = dict(params["properties"])
    desired.update(params["secret_properties"])
    found = resolve(
        params["liferay_home"],
        params["properties_file"],
        desired,
        secret_keys=params["secret_properties"].keys(),
        owned_prefixes=params["owned_prefixes"],
        override_prefixes=params["override_prefixes"],
        env_file=params["env_file"],
    )
    for item in found["unreadable"]:
        module.warn(
            "%s (at %s) %s: Liferay may read mail settings from it that the role cannot check"
            % (item["name"], item["included_from"] or "the chain", item["reason"])
        )
    found["removals"] = removals(found["conflicts"], params["properties_file"])
    found["changed"] = False
    mode = params["on_conflict"]
    if mode == "own":
        fixable = {(item["path"], key) for item in found["removals"] for key in item["keys"]}
        stopping = [item for item in found["conflicts"] if (item["file"], item["key"]) not in fixable]
        for item in found["removals"]:
            module.warn(
                "%sthe role removes %s from %s so that Liferay uses inventory's values"
                % (params["host_label"] + ": " if params["host_label"] else "", ", ".join(item["keys"]), item["path"])
            )
    elif mode == "fail":
        stopping = found["conflicts"]
    else:
        stopping = []
        if mode == "warn":
            for conflict in found["conflicts"]:
                module.warn(conflict_text(conflict, params["host_label"]))
    if stopping:
        lines = [conflict_text(conflict, params["host_label"]) for conflict in stopping]
        module.fail_json(
            msg="Liferay would not use what the role writes; nothing was changed on any host. " + " | ".join(lines),
            **found,
        )
    module.exit_json(**found)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            liferay_home=dict(type="path", required=True),
            properties_file=dict(type="path", required=True),
            properties=dict(type="dict", default={}),
            secret_properties=dict(type="dict", default={}, no_log=True),
            owned_prefixes=dict(type="list", elements="str", default=[]),
            override_prefixes=dict(type="list", elements="str", default=[]),
            env_file=dict(type="path"),
            on_conflict=dict(type="str", choices=["fail", "warn", "own", "report"], default="report"),
            host_label=dict(type="str", default=""),
        ),
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
