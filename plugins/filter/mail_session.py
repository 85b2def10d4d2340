# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side filters of the mail_session role."""

from __future__ import annotations

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    jndi_name,
    jndi_portal_properties,
    tomcat_resource,
    wildfly_servers,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    verify_targets as appserver_verify_targets,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import (
    config_file_args,
    config_files,
    connector_files,
    portal_properties_for,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    portal_properties,
    verify_targets,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.steps import steps
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import generation_for


def mail_session_portal_properties(settings, part="all"):
    """Role settings -> portal properties; *part* is public, secret or all."""
    if part not in ("public", "secret", "all"):
        raise ValueError("part must be public, secret or all")
    return portal_properties(settings, part)


def mail_session_verify_targets(settings, found=None):
    """Role settings -> {"smtp": {...}, "store": {...} or None} for mail_session_verify.

    *found*: the application-server session as appserver_info read it; its
    servers' host, port and security replace those from the settings.
    """
    targets = verify_targets(settings)
    if found and found.get("servers"):
        targets = appserver_verify_targets(targets, found["servers"])
    return targets


def mail_session_jndi_name(settings):
    """The JNDI name of the application-server session (mail_session_jndi_name or the server's usual one)."""
    return jndi_name(settings)


def mail_session_jndi_properties(settings):
    """portal-ext.properties for an application-server session: mail.session.jndi.name and the sender."""
    return jndi_portal_properties(settings)


def mail_session_tomcat_properties(settings, part="all"):
    """Role settings -> the JavaMail attributes of the Tomcat <Resource>; *part* is public, secret or all."""
    if part not in ("public", "secret", "all"):
        raise ValueError("part must be public, secret or all")
    return tomcat_resource(settings, part)


def mail_session_wildfly_servers(settings):
    """Role settings -> the servers option of wildfly_mail_session."""
    return wildfly_servers(settings)


def _part(part):
    if part not in ("public", "secret"):
        raise ValueError("part must be public or secret")
    return 0 if part == "public" else 1


def mail_session_generation(version, detected=None):
    """legacy | osgi: from mail_session_liferay_version, else from generation_info's result (see liferay/versions)."""
    return generation_for(version, detected if isinstance(detected, dict) else None)


def _osgi_jndi_name(settings):
    return jndi_name(settings) if settings.get("method") == "app_server" else None


def mail_session_osgi_files(settings, which="all"):
    """[{pid, scope, state, file}] of the OSGi configuration files the settings call for: no secrets, safe
    as loop items (liferay/osgi_keys.py config_files). *which* V(oauth2): only the Outlook connector's file
    (7.0 - DXP 2025.Q3, where the mail settings themselves are portal properties)."""
    if which == "oauth2":
        return connector_files(settings)
    if which != "all":
        raise ValueError("which must be all or oauth2")
    return config_files(settings, _osgi_jndi_name(settings))


def mail_session_osgi_properties(settings, item, part="public"):
    """osgi_config's properties (*part* public) or secret_properties (secret) for one item of
    mail_session_osgi_files."""
    return config_file_args(settings, item, _osgi_jndi_name(settings))[_part(part)]


def mail_session_steps(settings, generation, detected=False, effective="fail"):
    """The task files this host runs after validation, in order (liferay/steps.py)."""
    return steps(settings, generation, detected, effective)


def mail_session_generation_properties(settings, generation, part="public"):
    """The portal properties *generation* reads: legacy everything, osgi the sender (*part*: public or secret)."""
    if part not in ("public", "secret"):
        raise ValueError("part must be public or secret")
    return portal_properties_for(settings, generation, part)


# Where the OSGi configurations the role writes can be overridden from portal properties
# (configuration.override.<PID>_<attribute>, portal-impl ConfigurationOverridePropertiesUtil).
_OSGI_OVERRIDE_PREFIX = "configuration.override.com.liferay.mail.settings.configuration."


def mail_session_effective_keys(settings, generation):
    """What effective_properties_info checks: the portal properties the role writes in this run
    ({public, secret}), the namespaces it owns in its file and the keys that would beat its OSGi files."""
    if generation == "osgi":
        public = portal_properties_for(settings, generation, "public")
        secret = portal_properties_for(settings, generation, "secret")
        return {"public": public, "secret": secret, "owned": [], "override": [_OSGI_OVERRIDE_PREFIX]}
    if settings.get("method") == "app_server":
        return {"public": jndi_portal_properties(settings), "secret": {}, "owned": ["mail.session."], "override": []}
    return {
        "public": portal_properties(settings, "public"),
        "secret": portal_properties(settings, "secret"),
        "owned": ["mail.session."],
        "override": [],
    }


def mail_session_effective_lines(effective):
    """effective_properties_info' effective mapping -> one line per key: value and where it comes from."""
    lines = []
    for key in sorted(effective or {}):
        item = effective[key]
        where = item["file"] if item.get("line") is None else "%s:%s" % (item["file"], item["line"])
        lines.append("%s = %s  (%s)" % (key, item["value"], where))
    return lines


class FilterModule:
    def filters(self):
        return {
            "mail_session_portal_properties": mail_session_portal_properties,
            "mail_session_verify_targets": mail_session_verify_targets,
            "mail_session_jndi_name": mail_session_jndi_name,
            "mail_session_jndi_properties": mail_session_jndi_properties,
            "mail_session_tomcat_properties": mail_session_tomcat_properties,
            "mail_session_wildfly_servers": mail_session_wildfly_servers,
            "mail_session_generation": mail_session_generation,
            "mail_session_osgi_files": mail_session_osgi_files,
            "mail_session_osgi_properties": mail_session_osgi_properties,
            "mail_session_steps": mail_session_steps,
            "mail_session_generation_properties": mail_session_generation_properties,
            "mail_session_effective_keys": mail_session_effective_keys,
            "mail_session_effective_lines": mail_session_effective_lines,
        }
