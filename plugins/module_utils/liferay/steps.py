# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which task files of the role run on a host, in order (the filter mail_session_steps).

tasks/main.yml validates every host, then includes the files :func:`steps` names:

    verify.yml       preflight check of the mail servers (mail_session_verify_preflight), before writing
    generation.yml   read the installation when mail_session_liferay_version is empty (or to cross-check
                     it: mail_session_liferay_version_check); it then includes the steps below itself,
                     since where the settings go depends on what it found
    effective.yml    read what Liferay will use, before writing (deployment host)
    effective_own.yml  with mail_session_effective: own, remove the role's keys from the files that
                     would beat it (only then: a task that would only skip still costs a dispatch per host)
    builtin.yml      7.0 - DXP 2025.Q3, built-in session: mail.session.* in portal-ext.properties
    osgi.yml         DXP 2025.Q4+ / Portal 2026+, built-in session: .config files in osgi/configs
    app_server.yml   a JNDI session of Tomcat or WildFly; Liferay gets its name (either generation)
    docker.yml       a container: LIFERAY_* env file, and the .config files to mount (2025.Q4+)
    oauth2.yml       7.0 - DXP 2025.Q3 with Office 365 OAuth2: the Outlook connector's .config file in
                     osgi/configs (or the container's configs directory); on 2025.Q4+ osgi.yml and
                     docker.yml write it with the other .config files
    verify.yml       check the servers from each host (unless mail_session_verify: skip)
    db_check.yml     look for settings saved in the database (mail_session_db_check)

Each step is ``{"name": <for the log>, "file": <task file>, "stage": <for verify.yml>}``.
"""

from __future__ import annotations

LEGACY = "legacy"
OSGI = "osgi"


def _step(name, file, stage=""):
    return {"name": name, "file": file, "stage": stage}


def detects_generation(settings):
    """Whether the host's installation is read: the version is not in inventory, or it is to be
    cross-checked. Never for a container (its installation is not on the host)."""
    return settings.get("deployment", "host") == "host" and (
        not settings.get("liferay_version") or bool(settings.get("liferay_version_check"))
    )


def writes_connector(settings):
    """7.x: whether the Outlook connector's file is written (OAuth2 on) or removed (off, a client id still
    given); the built-in session only."""
    if settings.get("method", "builtin") != "builtin":
        return False
    return (settings.get("oauth2_provider") or "") != "" or bool(settings.get("oauth2_client_id"))


def apply_file(settings, generation):
    """The task file that writes the settings, by deployment, method and generation."""
    if settings.get("deployment") == "docker":
        return "docker.yml"
    if settings.get("method") == "app_server":
        return "app_server.yml"
    return "osgi.yml" if generation == OSGI else "builtin.yml"


def steps(settings, generation, detected=False, effective="fail"):
    """The steps of one host after validation.

    *generation*: ``legacy`` or ``osgi`` as known so far (from the version in inventory, or what
    generation.yml found). *detected*: called from generation.yml, after reading the installation:
    only the steps that depend on the generation. *effective*: mail_session_effective (fail, warn, own).
    """
    if generation not in (LEGACY, OSGI):
        raise ValueError("generation must be %s or %s, not %r" % (LEGACY, OSGI, generation))
    result = []
    if not detected:
        if settings.get("verify_preflight"):
            result.append(_step("preflight check of the mail servers", "verify.yml", "preflight"))
        if detects_generation(settings):
            result.append(_step("detect the Liferay generation, then write and verify", "generation.yml"))
            return result
    if settings.get("deployment", "host") == "host":
        result.append(_step("read what Liferay will use", "effective.yml"))
        if effective == "own":
            result.append(_step("remove the role's keys from the files that would beat it", "effective_own.yml"))
    apply = apply_file(settings, generation)
    result.append(_step("write the settings (%s)" % apply, apply))
    if generation == LEGACY and writes_connector(settings):
        result.append(_step("write the Outlook OAuth2 connector configuration", "oauth2.yml"))
    if settings.get("verify", "fail") != "skip":
        result.append(_step("verify the mail servers", "verify.yml", "after applying"))
    if settings.get("db_check"):
        result.append(_step("database check", "db_check.yml"))
    return result
