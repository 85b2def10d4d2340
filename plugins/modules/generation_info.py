#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: generation_info
short_description: Tell which generation of Liferay an installation is, and where it reads its mail settings
description:
  - Read-only. Finds the Liferay version of the installation under O(liferay_home) and returns its
    generation - C(legacy) (7.0 - 7.4, DXP up to 2025.Q3, mail settings in C(mail.session.*) portal
    properties) or C(osgi) (DXP 2025.Q4+ / Portal 2026+, mail settings in the OSGi configurations
    C(MailSettingCompanyConfiguration) and C(MailSettingSystemConfiguration)).
  - "What it reads, in this order: (1) C(LIFERAY_HOME/.liferay-version), the product version Liferay's
    release tool writes into every bundle and hence every official Docker image (next to C(.githash) and
    the C(.liferay-home) marker); (2) the manifest of C(portal-impl.jar) in the application server
    (C(tomcat*/webapps/ROOT/WEB-INF/lib) or C(.../WEB-INF/shielded-container-lib), also WildFly's
    C(ROOT.war)): C(Liferay-Portal-Release-Info) and C(Liferay-Portal-Version); (3) whether the module
    C(com.liferay.mail.settings.api) that holds the new configurations is installed under C(osgi/)
    (a jar, or an entry of an C(.lpkg) archive). The first that answers decides; the others are reported
    as evidence when they disagree."
  - When O(version) is given (from inventory) it decides; a detected version of the other generation
    is reported as a mismatch (a warning, or a failure with O(fail_on_mismatch)).
  - Reports the C(mail.session.*) keys of O(properties_file) when the generation ignores them (Liferay
    2025.Q4+ lists them as obsolete), and mail C(.config) files in C(osgi/configs) when a 7.x
    installation ignores them.
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  liferay_home:
    description: LIFERAY_HOME on the target.
    type: path
    required: true
  version:
    description:
      - The Liferay version from inventory (e.g. C(7.4.3.132), C(7.4.13-u92), C(2025.q3.5), C(2026.q1.0)).
        Empty means detect.
    type: str
    default: ""
  properties_file:
    description: The portal properties file checked for obsolete keys; default C(<liferay_home>/portal-ext.properties).
    type: path
  fail_on_mismatch:
    description: Fail when the inventory version and the installation disagree about the generation.
    type: bool
    default: false
  require:
    description: Fail when the generation cannot be determined (neither O(version) nor anything detected).
    type: bool
    default: true
  warn_obsolete:
    description:
      - Warn about the keys in RV(obsolete_keys). False when the caller reports or removes them itself.
    type: bool
    default: true
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
notes:
  - Never changes anything; runs in check mode.
"""

EXAMPLES = r"""
- name: Which Liferay is this?
  liferay_ops.mail.generation_info:
    liferay_home: /opt/liferay
    version: "{{ mail_session_liferay_version }}"
  register: __mail_session_generation

- name: Show it
  ansible.builtin.debug:
    msg: "{{ __mail_session_generation.version }} -> {{ __mail_session_generation.generation }}"
"""

RETURN = r"""
generation:
  description: C(legacy), C(osgi), or C(unknown) (only when O(require=false)).
  returned: always
  type: str
  sample: osgi
version:
  description: The version that decided (inventory or detected).
  returned: always
  type: str
  sample: 2026.q1.0
source:
  description:
    - Where the version came from - C(inventory), C(.liferay-version), C(portal-impl.jar) or C(mail settings module).
  returned: always
  type: str
detected_version:
  description: The version found in the installation, empty when none.
  returned: always
  type: str
detected_generation:
  description: The generation found in the installation, empty when none.
  returned: always
  type: str
evidence:
  description: What was read, one line per source.
  returned: always
  type: list
  elements: str
mismatch:
  description: True when inventory and installation disagree about the generation.
  returned: always
  type: bool
obsolete_keys:
  description: C(mail.session.*) keys in the properties file that an C(osgi) Liferay ignores.
  returned: always
  type: list
  elements: str
ignored_configs:
  description: Mail C(.config) files in C(osgi/configs) that a C(legacy) Liferay ignores.
  returned: always
  type: list
  elements: str
"""

import glob
import os
import zipfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import PropertiesDocument
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, SYSTEM_PID
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import (
    LEGACY,
    OSGI,
    parse_version,
    version_in_text,
)

IMPL_JAR_GLOBS = (
    "tomcat*/webapps/ROOT/WEB-INF/lib/portal-impl.jar",
    "tomcat*/webapps/ROOT/WEB-INF/shielded-container-lib/portal-impl.jar",
    "wildfly*/standalone/deployments/ROOT.war/WEB-INF/lib/portal-impl.jar",
    "wildfly*/standalone/deployments/ROOT.war/WEB-INF/shielded-container-lib/portal-impl.jar",
)
MAIL_SETTINGS_MODULE = "com.liferay.mail.settings.api"
MAX_LPKG_SCAN = 200


def read_manifest(jar_path):
    """The main attributes of a jar's META-INF/MANIFEST.MF (continuation lines joined)."""
    with zipfile.ZipFile(jar_path) as archive:
        data = archive.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    attributes, last = {}, None
    for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith(" ") and last:
            attributes[last] += line[1:]
        elif ":" in line:
            name, value = line.split(":", 1)
            last = name.strip()
            attributes[last] = value.strip()
        elif not line and attributes:
            break  # the main section ends at the first blank line
    return attributes


def _present(home, name, evidence, exists=os.path.isfile):
    """home/name when *exists* finds it; else None, and the evidence says '<name>: not present'."""
    path = os.path.join(home, name.rstrip("/"))
    if exists(path):
        return path
    evidence.append("%s: not present" % name)
    return None


def from_version_file(home, evidence):
    path = _present(home, ".liferay-version", evidence)
    if path is None:
        return None
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read().strip()
    try:
        version = parse_version(text)
    except OsgiError as exc:
        evidence.append(".liferay-version: %r not understood (%s)" % (text[:80], exc))
        return None
    evidence.append(".liferay-version: %s -> %s" % (text, version.generation))
    return version


def from_manifest(home, evidence):
    jars = sorted(path for pattern in IMPL_JAR_GLOBS for path in glob.glob(os.path.join(home, pattern)))
    if not jars:
        evidence.append("portal-impl.jar: not found under tomcat*/webapps/ROOT or wildfly*/.../ROOT.war")
        return None
    for jar in jars:
        relative = os.path.relpath(jar, home)
        try:
            manifest = read_manifest(jar)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            evidence.append("%s: unreadable (%s)" % (relative, exc))
            continue
        for attribute in ("Liferay-Portal-Release-Info", "Liferay-Portal-Server-Info", "Liferay-Portal-Version"):
            version = version_in_text(manifest.get(attribute, ""))
            if version is not None:
                evidence.append(
                    "%s: %s %r -> %s" % (relative, attribute, manifest[attribute][:120], version.generation)
                )
                return version
        evidence.append("%s: no Liferay version in its manifest" % relative)
    return None


def mail_settings_module(home, evidence):
    """True when com.liferay.mail.settings.api is installed under osgi/, False when not, None if unknown."""
    osgi = _present(home, "osgi/", evidence, os.path.isdir)
    if osgi is None:
        return None
    for root, _dirs, files in os.walk(osgi):
        if os.path.relpath(root, osgi).split(os.sep)[0] in ("state", "configs"):
            continue
        for name in files:
            if name.startswith(MAIL_SETTINGS_MODULE) and name.endswith(".jar"):
                evidence.append("%s: installed" % os.path.relpath(os.path.join(root, name), home))
                return True
    scanned = 0
    for lpkg in sorted(glob.glob(os.path.join(osgi, "**", "*.lpkg"), recursive=True)):
        scanned += 1
        if scanned > MAX_LPKG_SCAN:
            break
        try:
            with zipfile.ZipFile(lpkg) as archive:
                names = archive.namelist()
        except (OSError, zipfile.BadZipFile):
            continue
        for name in names:
            if os.path.basename(name).startswith(MAIL_SETTINGS_MODULE):
                evidence.append("%s: contains %s" % (os.path.relpath(lpkg, home), name))
                return True
    evidence.append("osgi/: no %s module" % MAIL_SETTINGS_MODULE)
    return False


def obsolete_keys(path):
    if not os.path.isfile(path):
        return []
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "surrogateescape")
    document = PropertiesDocument(text)
    return sorted({key for key in document.keys() if key.startswith("mail.session.")})  # noqa: SIM118


def ignored_configs(home):
    directory = os.path.join(home, "osgi", "configs")
    found = []
    for pid in (COMPANY_PID, SYSTEM_PID):
        found.extend(glob.glob(os.path.join(directory, glob.escape(pid) + "*.config")))
    return sorted(os.path.relpath(path, home) for path in found)


def run(module):
    params = module.params
    home = params["liferay_home"]
    result = {
        "changed": False,
        "generation": "unknown",
        "version": "",
        "source": "",
        "detected_version": "",
        "detected_generation": "",
        "evidence": [],
        "mismatch": False,
        "obsolete_keys": [],
        "ignored_configs": [],
    }
    if not os.path.isdir(home):
        module.fail_json(msg="LIFERAY_HOME %s is not a directory on this host" % home, **result)
    evidence = result["evidence"]
    evidence.append(
        ".liferay-home: %s" % ("present" if os.path.exists(os.path.join(home, ".liferay-home")) else "absent")
    )

    detected, source = from_version_file(home, evidence), ".liferay-version"
    if detected is None:
        detected, source = from_manifest(home, evidence), "portal-impl.jar"
    module_present = mail_settings_module(home, evidence)
    detected_generation = detected.generation if detected else None
    if detected is None and module_present:
        detected_generation, source = OSGI, "mail settings module"
    if detected is not None and module_present is not None and (detected.generation == OSGI) != module_present:
        module.warn(
            "%s says %s (%s generation) but com.liferay.mail.settings.api is %s under osgi/; "
            "believing %s"
            % (source, detected.text, detected.generation, "installed" if module_present else "absent", source)
        )
    result["detected_version"] = detected.text if detected else ""
    result["detected_generation"] = detected_generation or ""

    if params["version"]:
        try:
            wanted = parse_version(params["version"])
        except OsgiError as exc:
            module.fail_json(msg="mail_session_liferay_version: %s" % to_native(exc), **result)
        result.update(generation=wanted.generation, version=wanted.text, source="inventory")
        if detected_generation and detected_generation != wanted.generation:
            result["mismatch"] = True
            message = (
                "mail_session_liferay_version is %s (%s generation) but the installation in %s is %s (%s "
                "generation, from %s): the settings would be written where this Liferay does not read them. "
                "Fix the variable or the host"
                % (
                    wanted.text,
                    wanted.generation,
                    home,
                    result["detected_version"] or "unknown version",
                    detected_generation,
                    source,
                )
            )
            if params["fail_on_mismatch"]:
                module.fail_json(msg=message, **result)
            module.warn(message)
    elif detected_generation:
        result.update(generation=detected_generation, version=result["detected_version"], source=source)
    elif params["require"]:
        module.fail_json(
            msg="cannot tell which Liferay is installed in %s (no .liferay-version, no readable "
            "portal-impl.jar, no OSGi modules): set mail_session_liferay_version" % home,
            **result,
        )

    properties_file = params["properties_file"] or os.path.join(home, "portal-ext.properties")
    if result["generation"] == OSGI:
        result["obsolete_keys"] = obsolete_keys(properties_file)
        if result["obsolete_keys"] and params["warn_obsolete"]:
            module.warn(
                "%s holds %s, which Liferay %s ignores (it reads its mail settings from OSGi configurations; "
                "the keys are listed as obsolete): remove them so nobody edits the wrong place"
                % (properties_file, ", ".join(result["obsolete_keys"]), result["version"])
            )
    elif result["generation"] == LEGACY:
        result["ignored_configs"] = ignored_configs(home)
        if result["ignored_configs"]:
            module.warn(
                "%s exist but Liferay %s reads its mail settings from portal properties, not from these files"
                % (", ".join(result["ignored_configs"]), result["version"])
            )
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            liferay_home=dict(type="path", required=True),
            version=dict(type="str", default=""),
            properties_file=dict(type="path"),
            fail_on_mismatch=dict(type="bool", default=False),
            require=dict(type="bool", default=True),
            warn_obsolete=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
