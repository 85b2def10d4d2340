"""mail_session_smtp_timeout / mail_session_smtp_connection_timeout end to end: the first-class settings
added through the table of settings (plugins/module_utils/liferay/settings_table.py) alone, written wherever
each generation and method reads JavaMail properties, and what Liferay's session then does.

- 7.x built-in session: the real Commons Configuration 1.10 reads mail.session.mail.smtp.timeout back, and the
  JavaMail session Liferay builds from the file (tests/java/LiferaySmtpConnect.java, real Jakarta Mail) gives up
  on a server that accepts the connection and never greets within the timeout; without the setting it is still
  waiting seconds later (Liferay's default: wait forever).
- DXP 2026: additionalJavaMailProperties of the company and of an instance's .config file, read by the
  independent .config oracle and java.util.Properties (what Liferay's PropertiesUtil.load does).
- A container: the LIFERAY_* variable the image decodes into the same portal property.
- WildFly cannot take them; wrong values and a clash with mail_session_javamail_properties are refused before
  anything is written.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import java_program
from harness import java
from harness.ansible_run import playbook, write_inventory
from harness.fake_servers import FakeServer, silent
from harness.liferay_homes import liferay_home
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import decode_env_name
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, config_file_name


@pytest.fixture(scope="module")
def smtp_connect(tmp_path_factory):
    """Callable: portal-ext.properties, seconds -> the lines LiferaySmtpConnect printed, or None when it was
    still waiting after that many seconds (killed then)."""
    program = java_program(tmp_path_factory, "LiferaySmtpConnect", java.COMMONS_CONFIGURATION + java.JAKARTA_MAIL)

    def connect(properties, seconds):
        try:
            return program.run(properties, timeout=seconds).stdout.splitlines()
        except subprocess.TimeoutExpired:
            return None

    return connect


@pytest.fixture
def silent_server():
    """The port of a TCP server on loopback that accepts connections and never says a word (a hung SMTP server)."""
    with FakeServer(silent) as server:
        yield server.port


def legacy_inventory(tmp_path, port, **overrides):
    home = tmp_path / "liferay"
    home.mkdir(exist_ok=True)
    group_vars = {
        "mail_session_liferay_home": str(home),
        "mail_session_liferay_version": "7.4.3.132",
        "mail_session_smtp_host": "127.0.0.1",
        "mail_session_smtp_port": port,
        "mail_session_smtp_security": "none",
        "mail_session_allow_unusual_ports": True,
        "mail_session_verify": "skip",
    }
    group_vars.update(overrides)
    return home, write_inventory(tmp_path / "hosts.yml", {"liferay-1": {}}, group_vars)


def test_liferay_74_gives_up_on_a_hung_server_after_the_timeout(tmp_path, silent_server, smtp_connect, portal_ext):
    home, inventory = legacy_inventory(
        tmp_path, silent_server, mail_session_smtp_timeout=1500, mail_session_smtp_connection_timeout=2500
    )
    run = playbook(inventory, "--diff")
    assert run.returncode == 0, run.output
    props = portal_ext(home)
    assert props["mail.session.mail.smtp.timeout"] == "1500"
    assert props["mail.session.mail.smtp.connectiontimeout"] == "2500"

    lines = smtp_connect(home / "portal-ext.properties", 30)
    assert lines[:2] == ["property mail.smtp.timeout=1500", "property mail.smtp.connectiontimeout=2500"]
    outcome = " ".join(lines[2:]).split(" ", 2)
    assert outcome[0] == "failed" and "SocketTimeoutException" in outcome[2], lines
    assert 1400 <= int(outcome[1]) < 10000, lines  # the read timeout, not the connect one

    again = playbook(inventory)
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0


def test_without_the_setting_liferay_waits_for_ever(tmp_path, silent_server, smtp_connect, commons_configuration):
    home, inventory = legacy_inventory(tmp_path, silent_server)
    run = playbook(inventory)
    assert run.returncode == 0, run.output
    props = commons_configuration(home / "portal-ext.properties")
    assert not [key for key in props if key.endswith("timeout")]
    assert smtp_connect(home / "portal-ext.properties", 5) is None  # still waiting for the greeting


def test_ssl_uses_the_smtps_keys(tmp_path, portal_ext):
    home, inventory = legacy_inventory(tmp_path, 465, mail_session_smtp_security="ssl", mail_session_smtp_timeout=20000)
    run = playbook(inventory)
    assert run.returncode == 0, run.output
    props = portal_ext(home)
    assert props["mail.session.mail.smtps.timeout"] == "20000"
    assert "mail.session.mail.smtp.timeout" not in props


def test_dxp_2026_company_and_instance_files(tmp_path, java_util_properties):
    home = liferay_home(
        tmp_path / "liferay",
        version_file="2026.q1.0-lts",
        modules=["portal/com.liferay.mail.settings.api.jar"],
        impl_dir="tomcat/webapps/ROOT/WEB-INF/shielded-container-lib",
    )
    group_vars = {
        "mail_session_liferay_home": str(home),
        "mail_session_smtp_host": "smtp.example.com",
        "mail_session_smtp_timeout": 15000,
        "mail_session_smtp_connection_timeout": 5000,
        "mail_session_instances": [
            {"web_id": "intranet.example.com", "smtp_security": "ssl", "smtp_timeout": 60000},
        ],
        "mail_session_verify": "skip",
    }
    run = playbook(write_inventory(tmp_path / "hosts.yml", {"liferay-1": {}}, group_vars))
    assert run.returncode == 0, run.output
    configs = home / "osgi" / "configs"

    def javamail(scope=None):
        text = (configs / config_file_name(COMPANY_PID, scope)).read_text(encoding="utf-8")
        return java_util_properties(liferay_config.load(text)["additionalJavaMailProperties"])

    assert javamail() == {
        "mail.smtp.timeout": "15000",
        "mail.smtp.connectiontimeout": "5000",
        "mail.smtp.starttls.required": "true",
    }
    # the instance's own timeout, the global connection timeout, both for its own protocol (smtps)
    assert javamail("intranet.example.com") == {"mail.smtps.timeout": "60000", "mail.smtps.connectiontimeout": "5000"}


def test_a_container_gets_the_liferay_variable(tmp_path):
    env_file = tmp_path / "liferay.env"
    group_vars = {
        "mail_session_deployment": "docker",
        "mail_session_liferay_version": "liferay/portal:7.4.3.132-ga132",
        "mail_session_docker_env_file": str(env_file),
        "mail_session_smtp_host": "smtp.example.com",
        "mail_session_smtp_timeout": 30000,
        "mail_session_verify": "skip",
    }
    run = playbook(write_inventory(tmp_path / "hosts.yml", {"docker-host": {}}, group_vars))
    assert run.returncode == 0, run.output
    variables = dict(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines()[1:])
    decoded = {decode_env_name(name): value for name, value in variables.items()}
    assert decoded["mail.session.mail.smtp.timeout"] == "30000"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"mail_session_method": "app_server", "mail_session_app_server": "wildfly"},
            "mail_session_smtp_timeout: cannot be written for wildfly",
        ),
        # the argument specs (rendered from the same table) stop this one first
        ({"mail_session_smtp_timeout": "ten"}, "argument 'mail_session_smtp_timeout' is of type str"),
        ({"mail_session_smtp_timeout": -5}, "mail_session_smtp_timeout: -5 is out of range"),
        (
            {"mail_session_javamail_properties": {"mail.smtp.timeout": 1000}},
            "key 'mail.smtp.timeout' is already set from mail_session_smtp_timeout",
        ),
    ],
)
def test_what_cannot_work_is_refused_before_anything_is_written(tmp_path, overrides, message):
    settings = {"mail_session_smtp_timeout": 1000, **overrides}
    home, inventory = legacy_inventory(tmp_path, 25, **settings)
    run = playbook(inventory)
    assert run.returncode != 0
    assert message in " ".join(run.output.split()), run.output
    assert not (home / "portal-ext.properties").exists()
