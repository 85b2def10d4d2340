"""mail_session_osgi_config_mode through ansible-playbook on a DXP 2026 fixture.

writable (the default): the .config files get mail_session_file_owner/_group/_mode, Liferay can write
them (FileSyncConfigurationListener writes System/Instance Settings saves back), and a file changed since
the role wrote it is warned about as drift before it is rewritten. read_only: owner root, the group of
the configuration directory (the Liferay user's), 0640: Liferay reads them and java.io.File.canWrite(),
which ConfigurationFileInstaller and FileSyncConfigurationListener ask (portal-file-install-impl), says no.
The Liferay user is played by nobody:nogroup; the tests run as root (the role sets the owner root).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.ansible_run import fictional_servers, local_hosts, playbook
from harness.liferay_homes import LIFERAY_GROUP, LIFERAY_USER, dxp_2026, hand_to_liferay, owner_group_mode
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID

SMTP_PASSWORD = "Sm7p-Mode-S3cret"
POP_PASSWORD = "P0p-Mode-S3cret"


@pytest.fixture
def site(liferay_tree):
    """A DXP 2026.Q1 LIFERAY_HOME whose osgi/configs belongs to the Liferay user; inventory(**vars)."""
    home = dxp_2026(liferay_tree / "liferay", properties="jdbc.default.url=jdbc:postgresql://db/lportal\n")
    configs = home / "osgi" / "configs"
    hand_to_liferay(configs, up_to=home)
    servers = fictional_servers(SMTP_PASSWORD, POP_PASSWORD)
    return configs, local_hosts(liferay_tree / "hosts.yml", {"liferay-1": home}, servers)


def company_file(configs):
    return configs / (COMPANY_PID + ".config")


def test_read_only_files_are_roots_and_liferay_cannot_write_them(site, as_liferay):
    configs, inventory = site
    # mail_session_file_owner is the Liferay user, as for portal-ext.properties: not for read_only .config files
    run = playbook(inventory(mail_session_osgi_config_mode="read_only", mail_session_file_owner=LIFERAY_USER))
    assert run.returncode == 0, run.output

    path = company_file(configs)
    assert owner_group_mode(path) == ("root", LIFERAY_GROUP, 0o640)
    assert as_liferay(path) == (True, False)
    assert liferay_config.load(path.read_text(encoding="ascii"))["outgoingSMTPServer"] == "smtp.example.com"
    assert Path(configs.parent.parent / "portal-ext.properties").owner() == LIFERAY_USER
    again = playbook(inventory(mail_session_osgi_config_mode="read_only", mail_session_file_owner=LIFERAY_USER))
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0


def test_writable_files_are_liferays_and_its_write_back_is_warned_as_drift(site, as_liferay):
    configs, inventory = site
    writable = inventory(mail_session_file_owner=LIFERAY_USER, mail_session_file_group=LIFERAY_GROUP)
    run = playbook(writable)
    assert run.returncode == 0, run.output
    path = company_file(configs)
    assert owner_group_mode(path) == (LIFERAY_USER, LIFERAY_GROUP, 0o640)
    assert as_liferay(path) == (True, True)

    # a System Settings save, written back by Liferay (TypedProperties keeps the other lines)
    text = path.read_text(encoding="ascii").replace('"smtp.example.com"', '"ui.example.com"')
    path.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    run = playbook(writable)
    assert run.returncode == 0, run.output
    drift = [line for line in run.output.splitlines() if "was changed since the role wrote it" in line]
    assert len(drift) == 1, run.output
    assert str(path) in drift[0] and "outgoingSMTPServer differ" in drift[0]
    assert "ui.example.com" not in run.output
    assert SMTP_PASSWORD not in run.output
    assert liferay_config.load(path.read_text(encoding="ascii"))["outgoingSMTPServer"] == "smtp.example.com"


def test_an_unknown_mode_is_refused(site):
    configs, inventory = site
    run = playbook(inventory(mail_session_osgi_config_mode="locked"))
    assert run.returncode != 0
    assert "mail_session_osgi_config_mode" in run.output
    assert not company_file(configs).exists()
