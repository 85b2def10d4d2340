"""The role applied by the real ansible-playbook to local hosts: converge, idempotence,
protocol switches, check mode, validation before any change, and no secret in the output."""

from __future__ import annotations

import pytest
from harness.ansible_run import fictional_servers, local_hosts, playbook
from harness.liferay_homes import portal_ext_homes

SMTP_PASSWORD = "Sm7p,pa$${ss}\\wörd"
POP_PASSWORD = "P0p-secret!#:="

BASE_VARS = {
    **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
    "mail_session_from_name": "Liferay Portal",
    # Liferay 7.x, said in inventory: no detection round trip
    # (tests/playbooks/test_generation_decides_where_settings_go.py covers detection)
    "mail_session_liferay_version": "7.4.3.132",
}


PORTAL_EXT = (
    "jdbc.default.url=jdbc:postgresql://db/lportal\n"
    "jdbc.default.password=db-secret\n"
    "mail.session.mail.smtp.host: old.example.com\n"
    "mail.session.jndi.name=mail/MailSession\n"
)


@pytest.fixture
def site(tmp_path):
    """Two local hosts, each with its own LIFERAY_HOME holding a hand-written portal-ext.properties."""
    homes = portal_ext_homes(tmp_path, ("node1", "node2"), PORTAL_EXT)
    return homes, local_hosts(tmp_path / "hosts.yml", homes, BASE_VARS)


def test_converge_then_rerun_changes_nothing(site, portal_ext):
    homes, inventory = site
    first = playbook(inventory())
    assert first.returncode == 0, first.output
    assert first.total("changed") == 2
    for home in homes.values():
        values = portal_ext(home)
        assert values["mail.session.mail.transport.protocol"] == "smtp"
        assert values["mail.session.mail.smtp.host"] == "smtp.example.com"
        assert values["mail.session.mail.smtp.port"] == "587"
        assert values["mail.session.mail.smtp.starttls.enable"] == "true"
        assert values["mail.session.mail.smtp.starttls.required"] == "true"
        assert values["mail.session.mail.smtp.auth"] == "true"
        assert values["mail.session.mail.smtp.password"] == SMTP_PASSWORD
        assert values["mail.session.mail.store.protocol"] == "pop3s"
        assert values["mail.session.mail.pop3s.port"] == "995"
        assert values["mail.session.mail.pop3s.password"] == POP_PASSWORD
        assert values["jdbc.default.password"] == "db-secret"
        assert "mail.session.jndi.name" not in values
        assert (home / "portal-ext.properties").stat().st_mode & 0o777 == 0o640

    second = playbook(inventory())
    assert second.returncode == 0, second.output
    assert second.total("changed") == 0


def test_switch_from_starttls_to_implicit_tls_replaces_smtp_keys_with_smtps(site, portal_ext):
    homes, inventory = site
    assert playbook(inventory()).returncode == 0
    switched = playbook(inventory(mail_session_smtp_security="ssl"), "--diff")
    assert switched.returncode == 0, switched.output
    values = portal_ext(homes["node1"])
    assert values["mail.session.mail.transport.protocol"] == "smtps"
    assert values["mail.session.mail.smtps.port"] == "465"
    assert values["mail.session.mail.smtps.password"] == SMTP_PASSWORD
    assert values["mail.session.mail.smtps.auth"] == "true"
    assert not [key for key in values if key.startswith("mail.session.mail.smtp.") and "timeout" not in key]
    assert "-mail.session.mail.smtp.starttls.required=true" in switched.output
    assert "+mail.session.mail.smtps.host=smtp.example.com" in switched.output


def test_check_mode_changes_nothing(site):
    homes, inventory = site
    before = {name: (home / "portal-ext.properties").read_bytes() for name, home in homes.items()}
    run = playbook(inventory(), "--check", "--diff")
    assert run.returncode == 0, run.output
    assert run.total("changed") == 2
    for name, home in homes.items():
        assert (home / "portal-ext.properties").read_bytes() == before[name]


def test_no_secret_in_output_at_any_verbosity(site):
    _, inventory = site
    run = playbook(inventory(), "--diff", "-vvvv")
    assert run.returncode == 0, run.output
    rerun = playbook(inventory(mail_session_smtp_security="ssl"), "--diff", "-vvvv")
    assert rerun.returncode == 0, rerun.output
    # both runs wrote, on both hosts, and showed the diff of the keys that hold the passwords (masked)
    assert run.total("changed") == rerun.total("changed") == 2
    assert "+mail.session.mail.smtp.password=******** (changed)" in run.output
    assert "+mail.session.mail.pop3s.password=******** (changed)" in run.output
    assert "+mail.session.mail.smtps.password=******** (changed)" in rerun.output
    for output in (run.output, rerun.output):
        for secret in (SMTP_PASSWORD, POP_PASSWORD, "db-secret", "Sm7p", "P0p-secret"):
            assert secret not in output


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"mail_session_smtp_port": 110}, "mail_session_smtp_port: 110 is the well-known POP3 port"),
        ({"mail_session_pop_port": 465}, "mail_session_pop_port: 465 is the well-known SMTP port"),
        ({"mail_session_pop_port": 110}, "mail_session_pop_port: port 110 speaks plain text first"),
        ({"mail_session_smtp_port": 465, "mail_session_smtp_security": "starttls"}, "port 465 expects TLS"),
        ({"mail_session_smtp_port": 70000}, "mail_session_smtp_port: 70000 is outside 1-65535"),
        ({"mail_session_smtp_host": "smtp://mail.example.com"}, "without a scheme"),
        ({"mail_session_smtp_security": "tls"}, "mail_session_smtp_security"),
        ({"mail_session_smtp_password": " lead,ing"}, "mail_session_smtp_password: the value cannot be written"),
    ],
)
def test_invalid_input_stops_before_any_host_is_touched(site, overrides, expected):
    homes, inventory = site
    before = {name: (home / "portal-ext.properties").read_bytes() for name, home in homes.items()}
    run = playbook(inventory(**overrides))
    assert run.returncode != 0
    assert expected in run.output
    assert run.total("changed") == 0
    assert " lead,ing" not in run.output
    for name, home in homes.items():
        assert (home / "portal-ext.properties").read_bytes() == before[name]


def test_one_bad_host_stops_every_host(site, tmp_path):
    homes, inventory = site
    path = inventory()
    # node2 gets a bad port through host_vars; node1 is fine but must not be touched either
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "node2.yml").write_text("mail_session_smtp_port: 995\n", encoding="utf-8")
    before = (homes["node1"] / "portal-ext.properties").read_bytes()
    run = playbook(path)
    assert run.returncode != 0
    assert "mail_session_smtp_port: 995" in run.output
    assert (homes["node1"] / "portal-ext.properties").read_bytes() == before
