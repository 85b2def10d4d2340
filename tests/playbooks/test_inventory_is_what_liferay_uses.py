"""What Liferay actually uses: the real ansible-playbook against LIFERAY_HOMEs laid out with the
traps of the issue, each checked against the real Commons Configuration 1.10 aggregating the files
the way Liferay's ClassLoaderAggregateProperties does (tests/java/LiferayChainReader.java)."""

from __future__ import annotations

import os

import pytest
from harness.ansible_run import fictional_servers, local_hosts, playbook
from harness.liferay_homes import portal_ext_homes

SMTP_PASSWORD = "Sm7p-pa$$-wörd"
POP_PASSWORD = "P0p-secret!#"
SENDER = "portal@example.com"

BASE_VARS = {
    **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
    "mail_session_from_name": "Liferay Portal",
    "mail_session_liferay_version": "7.4.3.132",
}

PORTAL_EXT = "jdbc.default.url=jdbc:postgresql://db/lportal\njdbc.default.password=db-secret\n"

# What the setup wizard leaves in LIFERAY_HOME (SetupWizardUtil): the sender built from the
# test@liferay.com defaults, which are on the default mail.send.blacklist.
SETUP_WIZARD = (
    "admin.email.from.address=test@liferay.com\n"
    "admin.email.from.name=Test Test\n"
    "liferay.home=/opt/liferay\n"
    "setup.wizard.enabled=false\n"
)


@pytest.fixture
def site(tmp_path):
    """Two local hosts with a LIFERAY_HOME each; files() reads every file of both as bytes."""
    homes = portal_ext_homes(tmp_path, ("node1", "node2"), PORTAL_EXT)

    def files():
        return {
            str(path): path.read_bytes()
            for home in homes.values()
            for path in sorted(home.rglob("*"))
            if path.is_file()
        }

    return homes, local_hosts(tmp_path / "hosts.yml", homes, BASE_VARS), files


def assert_inventory_wins(chain, home):
    """Every key the role manages reads, through the whole chain, as inventory says."""
    values = chain(home)
    assert values["admin.email.from.address"] == SENDER
    assert values["admin.email.from.name"] == "Liferay Portal"
    assert values["mail.session.mail.smtp.host"] == "smtp.example.com"
    assert values["mail.session.mail.smtp.password"] == SMTP_PASSWORD
    assert values["mail.session.mail.pop3s.password"] == POP_PASSWORD
    return values


def test_setup_wizard_sender_stops_every_host_naming_the_file_and_line(site, liferay_chain):
    homes, inventory, files = site
    (homes["node1"] / "portal-setup-wizard.properties").write_text(SETUP_WIZARD, encoding="utf-8")
    # the trap is real: Liferay's aggregation takes the wizard's sender over portal-ext.properties
    (homes["node1"] / "portal-ext.properties").write_text(PORTAL_EXT + "admin.email.from.address=x@example.com\n")
    assert liferay_chain(homes["node1"])["admin.email.from.address"] == "test@liferay.com"
    before = files()

    run = playbook(inventory())

    assert run.returncode != 0
    wizard = str(homes["node1"] / "portal-setup-wizard.properties")
    assert "node1: admin.email.from.address is set at line 1 of %s" % wizard in run.output
    assert "admin.email.from.name is set at line 2 of %s" % wizard in run.output
    assert "mail_session_effective: own" in run.output
    assert run.total("changed") == 0
    assert files() == before  # neither host was touched


def test_setup_wizard_own_removes_only_the_role_keys_and_liferay_then_uses_inventory(site, liferay_chain):
    homes, inventory, _ = site
    wizard = homes["node1"] / "portal-setup-wizard.properties"
    wizard.write_text(SETUP_WIZARD, encoding="utf-8")

    run = playbook(inventory(mail_session_effective="own"))

    assert run.returncode == 0, run.output
    assert "the role removes admin.email.from.address, admin.email.from.name from %s" % wizard in run.output
    assert wizard.read_text(encoding="utf-8") == "liferay.home=/opt/liferay\nsetup.wizard.enabled=false\n"
    for home in homes.values():
        assert_inventory_wins(liferay_chain, home)
    again = playbook(inventory(mail_session_effective="own"))
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0


def test_warn_goes_on_and_says_what_beats_the_role(site):
    homes, inventory, _ = site
    (homes["node2"] / "portal-setup-wizard.properties").write_text(SETUP_WIZARD, encoding="utf-8")

    run = playbook(inventory(mail_session_effective="warn"))

    assert run.returncode == 0, run.output
    assert "[WARNING]: node2: admin.email.from.address is set at line 1 of" in run.output
    assert (homes["node2"] / "portal-setup-wizard.properties").read_text(encoding="utf-8") == SETUP_WIZARD


def developer_properties(home):
    """A Liferay Workspace style include: portal-ext.properties loads portal-developer.properties."""
    (home / "portal-ext.properties").write_text(
        PORTAL_EXT + "include-and-override=${liferay.home}/portal-developer.properties\n", encoding="utf-8"
    )
    (home / "portal-developer.properties").write_text(
        "# developer settings\n"
        "browser.launcher.url=\n"
        "mail.session.mail.smtp.host=dev-smtp.example.com\n"
        "mail.session.mail.smtp.ssl.trust=*\n",
        encoding="utf-8",
    )


def test_include_and_override_file_beats_portal_ext_and_stops_the_play(site, liferay_chain):
    homes, inventory, files = site
    developer_properties(homes["node2"])
    before = files()

    run = playbook(inventory())

    assert run.returncode != 0
    developer = str(homes["node2"] / "portal-developer.properties")
    ext = str(homes["node2"] / "portal-ext.properties")
    assert "node2: mail.session.mail.smtp.host is set at line 3 of %s" % developer in run.output
    assert "loaded by include-and-override at line 3 of %s" % ext in run.output
    # a key inventory does not set still reaches the session: reported too
    assert "mail.session.mail.smtp.ssl.trust is set at line 4 of %s" % developer in run.output
    assert files() == before
    # and the resolver is right about Liferay: the included file wins
    assert liferay_chain(homes["node2"])["mail.session.mail.smtp.host"] == "dev-smtp.example.com"


def test_include_and_override_own_leaves_inventory_in_charge(site, liferay_chain, commons_configuration):
    homes, inventory, _ = site
    developer_properties(homes["node2"])

    run = playbook(inventory(mail_session_effective="own"))

    assert run.returncode == 0, run.output
    developer = homes["node2"] / "portal-developer.properties"
    assert developer.read_text(encoding="utf-8") == "# developer settings\nbrowser.launcher.url=\n"
    values = assert_inventory_wins(liferay_chain, homes["node2"])
    # Liferay's whole mail.session.* set is exactly what the role wrote into portal-ext.properties
    written = commons_configuration(homes["node2"] / "portal-ext.properties")
    session = {key: value for key, value in values.items() if key.startswith("mail.session.")}
    assert session == {key: string for key, (string, _) in written.items() if key.startswith("mail.session.")}


def test_classpath_include_is_reported_as_not_readable(site):
    homes, inventory, _ = site
    (homes["node1"] / "portal-ext.properties").write_text(
        PORTAL_EXT + "include-and-override=portal-developer.properties\n", encoding="utf-8"
    )
    run = playbook(inventory())
    assert run.returncode == 0, run.output
    assert "portal-developer.properties (at line 3 of" in run.output
    assert "is a classpath resource" in run.output


def test_a_file_liferay_does_not_read_is_refused(site, tmp_path):
    _, inventory, files = site
    before = files()
    run = playbook(inventory(mail_session_properties_file=str(tmp_path / "elsewhere.properties")))
    assert run.returncode != 0
    assert "Liferay does not read %s" % (tmp_path / "elsewhere.properties") in run.output
    assert not (tmp_path / "elsewhere.properties").exists()
    assert files() == before


def test_imap_is_refused_with_the_reason_before_anything_is_written(site):
    _, inventory, files = site
    before = files()
    run = playbook(inventory(mail_session_store_protocol="imap", mail_session_pop_port=993))
    assert run.returncode != 0
    assert "mail_session_store_protocol: 'imap' is not what Liferay uses" in run.output
    assert "forces the store protocol to pop3 or pop3s" in run.output
    assert files() == before


def test_symlinked_portal_ext_is_written_through_and_stays_a_link(site, tmp_path, commons_configuration):
    homes, inventory, _ = site
    repo = tmp_path / "config-repo"
    repo.mkdir()
    for name, home in homes.items():
        target = repo / ("%s-portal-ext.properties" % name)
        target.write_text(PORTAL_EXT, encoding="utf-8")
        target.chmod(0o600)
        (home / "portal-ext.properties").unlink()
        (home / "portal-ext.properties").symlink_to(os.path.relpath(target, home))

    run = playbook(inventory())

    assert run.returncode == 0, run.output
    for name, home in homes.items():
        link = home / "portal-ext.properties"
        assert link.is_symlink()
        target = repo / ("%s-portal-ext.properties" % name)
        assert link.resolve() == target
        assert commons_configuration(target)["mail.session.mail.smtp.host"][0] == "smtp.example.com"
        assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in repo.iterdir()) == [
        "node1-portal-ext.properties",
        "node2-portal-ext.properties",
    ]
    assert playbook(inventory()).total("changed") == 0


def test_a_change_without_a_restart_service_warns_per_host_and_flags_restart_pending(site, tmp_path):
    _, inventory, _ = site
    flag = tmp_path / "flags.yml"
    (tmp_path / "play.yml").write_text(
        "- hosts: liferay\n"
        "  gather_facts: false\n"
        "  roles: [liferay_ops.mail.mail_session]\n"
        "  post_tasks:\n"
        "    - name: Record the flag and what Liferay will use\n"
        "      ansible.builtin.lineinfile:\n"
        "        path: %s\n"
        "        line: >-\n"
        "          {{ inventory_hostname }}: {{ mail_session_restart_result.restart_pending | default('unset') }}\n"
        "          {{ mail_session_effective_result.effective['mail.session.mail.smtp.host'].file }}\n"
        "          {{ mail_session_effective_result.effective['mail.session.mail.smtp.password'].value }}\n"
        "        create: true\n"
        "        mode: '0600'\n"
        "      delegate_to: localhost\n"
        "      throttle: 1\n" % flag,
        encoding="utf-8",
    )

    first = playbook(inventory(), playbook=str(tmp_path / "play.yml"))

    assert first.returncode == 0, first.output
    for host in ("node1", "node2"):
        assert "[WARNING]: %s: the mail settings changed, but Liferay reads them only at startup" % host in first.output
    assert "restart Liferay for them to take effect" in first.output
    lines = sorted(flag.read_text(encoding="utf-8").splitlines())
    assert lines[0].startswith("node1: True %s" % (tmp_path / "node1" / "portal-ext.properties"))
    assert lines[0].endswith(" ********")
    assert SMTP_PASSWORD not in flag.read_text(encoding="utf-8")

    flag.unlink()
    second = playbook(inventory(), playbook=str(tmp_path / "play.yml"))
    assert second.returncode == 0, second.output
    assert "restart" not in second.output.lower().replace("restart_pending", "")
    assert sorted(flag.read_text(encoding="utf-8").splitlines())[0].startswith("node1: unset ")


def test_osgi_configuration_override_property_beats_the_config_files_and_stops(site, tmp_path):
    homes, inventory, files = site
    override = (
        "configuration.override.com.liferay.mail.settings.configuration."
        'MailSettingCompanyConfiguration_outgoingSMTPServer="old.example.com"\n'
    )
    (homes["node1"] / "portal-ext.properties").write_text(PORTAL_EXT + override, encoding="utf-8")
    for home in homes.values():
        (home / "osgi" / "configs").mkdir(parents=True)
    before = files()

    run = playbook(inventory(mail_session_liferay_version="2026.q1.0"))

    assert run.returncode != 0
    assert (
        "node1: configuration.override.com.liferay.mail.settings.configuration."
        "MailSettingCompanyConfiguration_outgoingSMTPServer is set at line 3 of" in run.output
    )
    assert "over the OSGi configuration the role writes" in run.output
    assert files() == before
