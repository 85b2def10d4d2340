#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: appserver_info
short_description: Find the application server of a Liferay installation and check what its mail session needs
description:
  - Read-only. Finds the Tomcat or WildFly / JBoss EAP of a Liferay installation and reports where the mail
    session is configured.
  - "Tomcat: finds C(CATALINA_BASE) under LIFERAY_HOME (the C(tomcat) or C(tomcat-<version>) folder of a Liferay
    bundle) unless given, reads the Tomcat version from C(lib/catalina.jar), derives the session type (Tomcat 10+
    serves only C(jakarta.mail.Session), older Tomcat only C(javax.mail.Session)), the ROOT context file
    (C(conf/<Engine>/<Host>/ROOT.xml)) and which jars on Tomcat's common class loader (C(common.loader) of
    C(conf/catalina.properties)) provide the mail API, an SMTP provider and the activation API."
  - Tomcat's mail session factory runs on the common class loader, so a mail API jar inside a web application
    does not help. With O(check_mail_api=true) the module fails, naming the directories searched and the jars
    to add, when the classes for the session type are missing.
  - "WildFly: finds C(standalone/configuration/standalone.xml) under LIFERAY_HOME (C(wildfly-<version>),
    C(jboss-eap-<version>)) unless given, and reports the mail subsystem's namespace version."
  - With O(jndi_name), also reads the mail session of that name from the configuration file and returns the
    servers it names (RV(session)), and lists in RV(problems) every reason Liferay's lookup of the name would
    fail. Liferay does not report such a failure; it falls back to its built-in session.
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  server:
    description: The application server.
    type: str
    choices: [tomcat, wildfly]
    required: true
  liferay_home:
    description: LIFERAY_HOME, searched for the application server when its location is not given.
    type: path
  catalina_base:
    description: Tomcat's C(CATALINA_BASE). Default the single C(tomcat) / C(tomcat-*) folder of O(liferay_home).
    type: path
  catalina_home:
    description: Tomcat's C(CATALINA_HOME) (where C(lib/catalina.jar) lives) when it is not O(catalina_base).
    type: path
  mail_type:
    description:
      - Session type of the Tomcat resource. V(auto) derives it from the Tomcat version.
      - An explicit type that this Tomcat cannot serve is an error.
    type: str
    choices: [auto, javax, jakarta]
    default: auto
  check_mail_api:
    description: Fail when the classes the Tomcat session type needs are not on Tomcat's common class loader.
    type: bool
    default: false
  wildfly_config:
    description: WildFly's configuration file. Default C(standalone/configuration/standalone.xml) under O(liferay_home).
    type: path
  jndi_name:
    description: Read the mail session of this JNDI name (Tomcat C(<Resource>) name, WildFly C(jndi-name)).
    type: str
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
notes:
  - Standard library only; jars are read with C(zipfile).
seealso:
  - module: liferay_ops.mail.tomcat_mail_resource
  - module: liferay_ops.mail.wildfly_mail_session
"""

EXAMPLES = r"""
- name: Find Tomcat in a Liferay bundle and make sure it can serve a mail session
  liferay_ops.mail.appserver_info:
    server: tomcat
    liferay_home: /opt/liferay
    check_mail_api: true
  register: tomcat

- name: What does standalone.xml say about java:jboss/mail/MailSession?
  liferay_ops.mail.appserver_info:
    server: wildfly
    wildfly_config: /opt/liferay/wildfly-30.0.1/standalone/configuration/standalone.xml
    jndi_name: java:jboss/mail/MailSession
"""

RETURN = r"""
catalina_base:
  description: Tomcat's CATALINA_BASE.
  returned: server is tomcat
  type: str
  sample: /opt/liferay/tomcat-9.0.83
catalina_home:
  description: Tomcat's CATALINA_HOME.
  returned: server is tomcat
  type: str
version:
  description: Tomcat version (C(server.number) of catalina.jar, else the folder name); null when unknown.
  returned: server is tomcat
  type: str
  sample: 9.0.83.0
mail_type:
  description: Session type to declare, V(javax) or V(jakarta).
  returned: server is tomcat
  type: str
session_class:
  description: The C(type) of the resource, C(javax.mail.Session) or C(jakarta.mail.Session).
  returned: server is tomcat
  type: str
context_file:
  description: The ROOT context file, where Liferay's resources are declared.
  returned: server is tomcat
  type: str
  sample: /opt/liferay/tomcat-9.0.83/conf/Catalina/localhost/ROOT.xml
lib_dir:
  description: C(CATALINA_BASE/lib), where jars for the common class loader are installed.
  returned: server is tomcat
  type: str
class_path:
  description: The common class loader's entries, expanded.
  returned: server is tomcat
  type: list
  elements: str
mail_jars:
  description: Jars on the common class loader that provide mail or activation classes.
  returned: server is tomcat
  type: list
  elements: str
missing:
  description: What the session type needs and the common class loader lacks (empty when complete).
  returned: server is tomcat
  type: list
  elements: str
wildfly_config:
  description: WildFly's configuration file.
  returned: server is wildfly
  type: str
mail_namespace:
  description: Namespace of the mail subsystem in it; null when there is none.
  returned: server is wildfly
  type: str
  sample: urn:jboss:domain:mail:4.0
session:
  description: The session of O(jndi_name) as configured; null when it is not there.
  returned: jndi_name given
  type: dict
  contains:
    servers:
      description: C(smtp) and C(store) with protocol, host, port, security and user (never a password).
      type: dict
problems:
  description: Reasons Liferay's lookup of O(jndi_name) would fail (empty when none is known).
  returned: jndi_name given
  type: list
  elements: str
"""

import glob
import os
import zipfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import Document, XMLFileError
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    MAIL_CLASSES,
    SESSION_CLASS,
    common_loader_entries,
    mail_namespace_version,
    mail_type_for_tomcat,
    missing_mail_classes,
    missing_mail_message,
    tomcat_found_session,
    tomcat_version_from_dirname,
    tomcat_version_from_server_info,
    wildfly_found_session,
    wildfly_mail_subsystems,
)


def _in_liferay_home(module, option, patterns):
    """The paths below liferay_home that match the glob *patterns* (tuples of path parts), for a missing *option*."""
    home = module.params["liferay_home"]
    if not home:
        module.fail_json(msg="give %s or liferay_home" % option)
    return [path for pattern in patterns for path in glob.glob(os.path.join(home, *pattern))]


def _single(module, what, candidates, variable, looked_for):
    unique = sorted({os.path.realpath(path) for path in candidates})
    if len(unique) == 1:
        return unique[0]
    if not unique:
        module.fail_json(msg="no %s found: looked for %s; set %s" % (what, looked_for, variable))
    module.fail_json(
        msg="%s found more than once (%s); set %s to the one Liferay runs on" % (what, ", ".join(unique), variable)
    )


def _read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _read_document(module, path):
    try:
        with open(path, "rb") as handle:
            return Document(handle.read(), path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        module.fail_json(msg="cannot read %s: %s" % (path, exc))
    except XMLFileError as exc:
        module.fail_json(msg=str(exc))


def tomcat_version(home, base):
    jar = os.path.join(home, "lib", "catalina.jar")
    try:
        with zipfile.ZipFile(jar) as archive:
            text = archive.read("org/apache/catalina/util/ServerInfo.properties").decode("utf-8", "replace")
        version = tomcat_version_from_server_info(text)
        if version:
            return version
    except (OSError, KeyError, zipfile.BadZipFile):
        pass
    for path in (home, base):
        version = tomcat_version_from_dirname(os.path.basename(os.path.realpath(path)))
        if version:
            return version
    return None


def class_path_jars(entries):
    """(jar files, class directories) of the common class loader's entries."""
    jars, directories = [], []
    for entry in entries:
        if entry.endswith("*.jar"):
            jars.extend(sorted(glob.glob(entry[: -len("*.jar")].rstrip("/") + "/*.jar")))
        elif entry.endswith(".jar"):
            if os.path.isfile(entry):
                jars.append(entry)
        elif os.path.isdir(entry):
            directories.append(entry)
    return list(dict.fromkeys(jars)), directories


def mail_classes_present(jars, directories, wanted):
    """({class file present}, [jars providing any of them])."""
    present, providers = set(), []
    for jar in jars:
        try:
            with zipfile.ZipFile(jar) as archive:
                names = wanted.intersection(archive.namelist())
        except (OSError, zipfile.BadZipFile):
            continue
        if names:
            present |= names
            providers.append(jar)
    for directory in directories:
        for name in wanted:
            if os.path.isfile(os.path.join(directory, name)):
                present.add(name)
    return present, providers


def server_xml_context_dir(base, document):
    """conf/<Engine name>/<default Host name> as server.xml says (Catalina/localhost in every bundle)."""
    engine, host = "Catalina", "localhost"
    if document is not None:
        engines = list(document.root.iter("Engine"))
        if engines:
            engine = engines[0].attrs.get("name") or engine
            host = engines[0].attrs.get("defaultHost") or host
    return os.path.join(base, "conf", engine, host)


def tomcat(module):
    p = module.params
    base = p["catalina_base"]
    if not base:
        candidates = [
            path
            for path in _in_liferay_home(module, "catalina_base", [("tomcat*",)])
            if os.path.isfile(os.path.join(path, "conf", "server.xml"))
        ]
        base = _single(
            module,
            "Tomcat",
            candidates,
            "mail_session_tomcat_base (CATALINA_BASE)",
            "%s/tomcat*/conf/server.xml" % p["liferay_home"],
        )
    elif not os.path.isdir(os.path.join(base, "conf")):
        module.fail_json(msg="%s has no conf/ folder: it is not a Tomcat CATALINA_BASE" % base)
    home = p["catalina_home"] or base

    version = tomcat_version(home, base)
    served = mail_type_for_tomcat(version)
    mail_type = p["mail_type"]
    if mail_type == "auto":
        if served is None:
            module.fail_json(
                msg="cannot tell the Tomcat version of %s (no lib/catalina.jar with ServerInfo.properties, no "
                "version in the folder name); set mail_session_tomcat_mail_type to jakarta (Tomcat 10+) or "
                "javax (Tomcat 9 and older)" % home
            )
        mail_type = served
    elif served and served != mail_type:
        module.fail_json(
            msg="Tomcat %s serves %s resources only, but mail_type is %s (%s): the lookup would return "
            "nothing and Liferay would silently use its built-in session. Use mail_type %s or auto"
            % (version, SESSION_CLASS[served], mail_type, SESSION_CLASS[mail_type], served)
        )

    entries, unresolved = common_loader_entries(
        _read_text(os.path.join(base, "conf", "catalina.properties")), base, home
    )
    jars, directories = class_path_jars(entries)
    wanted = {name for _dummy, classes, _dummy in MAIL_CLASSES[mail_type] for name in classes}
    present, providers = mail_classes_present(jars, directories, wanted)
    errors, warnings = missing_mail_classes(mail_type, present)

    server_xml = _read_document(module, os.path.join(base, "conf", "server.xml"))
    result = {
        "changed": False,
        "catalina_base": base,
        "catalina_home": home,
        "version": version,
        "mail_type": mail_type,
        "session_class": SESSION_CLASS[mail_type],
        "context_file": os.path.join(server_xml_context_dir(base, server_xml), "ROOT.xml"),
        "lib_dir": os.path.join(base, "lib"),
        "class_path": entries,
        "mail_jars": providers,
        "missing": errors,
    }
    message = missing_mail_message(mail_type, errors, entries, result["lib_dir"]) if errors else None
    for warning in warnings:
        module.warn(
            "%s is not on Tomcat's common class loader (%s): sending fails on Java 11+ without it"
            % (warning, ", ".join(entries))
        )
    if unresolved:
        module.warn("common.loader entries with system properties were not searched: %s" % ", ".join(unresolved))
    if p["check_mail_api"] and message:
        module.fail_json(msg=message, **result)

    if p["jndi_name"]:
        problems = [message] if message else []
        document = _read_document(module, result["context_file"])
        found = tomcat_found_session(document, p["jndi_name"], mail_type) if document is not None else None
        if found is None:
            problems.insert(
                0,
                'no <Resource name="%s"> in %s: Liferay\'s lookup of %s fails'
                % (p["jndi_name"], result["context_file"], p["jndi_name"]),
            )
        else:
            problems.extend(found.pop("problems"))
        result.update(session=found, problems=problems)
    return result


def wildfly(module):
    p = module.params
    config = p["wildfly_config"]
    if not config:
        patterns = [(server, "standalone", "configuration", "standalone.xml") for server in ("wildfly*", "jboss-eap*")]
        candidates = _in_liferay_home(module, "wildfly_config", patterns)
        config = _single(
            module,
            "WildFly / JBoss EAP",
            candidates,
            "mail_session_wildfly_config",
            "%s/wildfly*/standalone/configuration/standalone.xml" % p["liferay_home"],
        )
    document = _read_document(module, config)
    if document is None:
        module.fail_json(msg="%s does not exist; set mail_session_wildfly_config to WildFly's standalone.xml" % config)
    subsystems = wildfly_mail_subsystems(document)
    namespace = subsystems[0].attrs["xmlns"] if subsystems else None
    result = {
        "changed": False,
        "wildfly_config": config,
        "mail_namespace": namespace,
        "mail_namespace_version": ".".join(map(str, mail_namespace_version(namespace))) if namespace else None,
    }
    if p["jndi_name"]:
        found = wildfly_found_session(document, p["jndi_name"])
        problems = []
        if found is None:
            problems.append(
                'no mail-session with jndi-name="%s" in %s: Liferay\'s lookup fails' % (p["jndi_name"], config)
            )
        else:
            problems.extend(found.pop("problems"))
        result.update(session=found, problems=problems)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            server=dict(type="str", required=True, choices=["tomcat", "wildfly"]),
            liferay_home=dict(type="path"),
            catalina_base=dict(type="path"),
            catalina_home=dict(type="path"),
            mail_type=dict(type="str", default="auto", choices=["auto", "javax", "jakarta"]),
            check_mail_api=dict(type="bool", default=False),
            wildfly_config=dict(type="path"),
            jndi_name=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    result = tomcat(module) if module.params["server"] == "tomcat" else wildfly(module)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
