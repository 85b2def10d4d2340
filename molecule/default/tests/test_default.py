"""default scenario: after converge (and an idempotent second run), the Liferay container has the
mail session Liferay will read, the role's verification really talked to the mail container, and
Liferay's own mail stack (Commons Configuration + Jakarta Mail) sends and receives with it."""

from __future__ import annotations

import re
import uuid

from conftest import MAIL_WORKDIR, ROOT, TEST_DIR, podman

PREFIX = "mail.session."


def test_the_file_belongs_to_liferay_and_is_private(liferay, liferay_vars, properties_path):
    written = liferay.file(properties_path)
    assert written.is_file
    assert written.user == liferay_vars["mail_session_file_owner"] == "liferay"
    assert written.group == liferay_vars["mail_session_file_group"] == "liferay"
    assert written.mode == 0o640  # it was 0644 before the role ran
    # written atomically: no temporary file left next to it
    assert sorted(liferay.file(liferay_vars["mail_session_liferay_home"]).listdir()) == [
        "portal-ext.properties",
        "tomcat",
    ]


def test_liferay_reads_exactly_the_inventorys_mail_session(read_properties, liferay_vars, properties_path):
    v = liferay_vars
    values = read_properties(properties_path)  # as the liferay user: it can read the file
    secrets = {
        PREFIX + "mail.smtp.password": v["mail_session_smtp_password"],
        PREFIX + "mail.pop3s.password": v["mail_session_pop_password"],
    }
    # compared here, not in an assert, so that a failure names the key and never shows a password
    wrong = [key for key, password in secrets.items() if values.pop(key, None) != password]
    assert not wrong, "not the inventory's password: %s" % wrong
    expected = {
        PREFIX + "mail.transport.protocol": "smtp",
        PREFIX + "mail.smtp.host": v["mail_session_smtp_host"],
        PREFIX + "mail.smtp.port": str(v["mail_session_smtp_port"]),
        PREFIX + "mail.smtp.auth": "true",
        PREFIX + "mail.smtp.starttls.enable": "true",
        PREFIX + "mail.smtp.starttls.required": "true",
        PREFIX + "mail.smtp.user": v["mail_session_smtp_user"],
        PREFIX + "mail.store.protocol": "pop3s",
        PREFIX + "mail.pop3s.host": v["mail_session_pop_host"],
        PREFIX + "mail.pop3s.port": str(v["mail_session_pop_port"]),
        PREFIX + "mail.pop3s.user": v["mail_session_pop_user"],
    }
    expected.update({PREFIX + key: str(value) for key, value in v["mail_session_javamail_properties"].items()})
    # nothing else in the namespace: the seeded file's stale mail.session.jndi.name (which would make
    # Liferay ignore all of this) and its old smtp keys are gone
    assert {key: value for key, value in values.items() if key.startswith(PREFIX)} == expected
    assert values["admin.email.from.name"] == v["mail_session_from_name"]
    assert values["admin.email.from.address"] == v["mail_session_from_address"]


def test_every_other_setting_of_the_existing_file_is_kept(read_properties, liferay, liferay_name, properties_path):
    original = TEST_DIR + "/portal-ext.properties.original"
    podman("cp", str(ROOT / "tests/fixtures/portal-ext.properties"), "%s:%s" % (liferay_name, original))
    liferay.check_output("chmod 0644 %s", original)
    before = read_properties(original)
    after = read_properties(properties_path)
    unrelated = [key for key in before if not key.startswith((PREFIX, "admin.email.from."))]
    assert "jdbc.default.password" in unrelated and "layout.static.portlets.all" in unrelated
    assert {key: after.get(key) for key in unrelated} == {key: before[key] for key in unrelated}
    text = liferay.file(properties_path).content_string
    assert text.count("# BEGIN mail_session role") == 1 and text.count("# END mail_session role") == 1


def test_the_roles_verification_ran_from_the_liferay_host(mail, mail_logs, liferay_vars, liferay_ip):
    """What the mail server saw of converge's two runs: authenticated SMTP and POP3S sessions from the
    Liferay container's address, and the role's round-trip probes delivered, fetched and deleted."""
    user = re.escape(liferay_vars["mail_session_smtp_user"])
    ip = re.escape(liferay_ip)
    dovecot, postfix = mail_logs.dovecot, mail_logs.postfix
    logins = re.findall(r"pop3-login: Info: Login: user=<%s>, method=PLAIN, rip=%s, .*\bTLS\b" % (user, ip), dovecot)
    assert logins, dovecot
    submissions = re.findall(r"\[%s\], sasl_method=\w+, sasl_username=%s$" % (ip, user), postfix, re.MULTILINE)
    assert submissions, postfix
    probes = set(re.findall(r"message-id=<(mail-session-check\.[^>]+)>", postfix))
    assert probes, postfix  # one per run of the role (molecule test: converge and idempotence)
    for probe in probes:
        assert "msgid=<%s>: saved mail to INBOX" % probe in dovecot
    maildir = MAIL_WORKDIR + "/mail/liferay/Maildir"
    assert mail.file(maildir).is_directory
    left = mail.run("grep -rl mail-session-check %s/cur %s/new", maildir, maildir)
    assert left.rc == 1 and left.stdout == "", "probes left in the mailbox: %s" % left.stdout


def test_the_verify_playbook_passes_from_the_liferay_host(playbook, liferay_vars):
    v = liferay_vars
    run = playbook("playbooks/verify.yml")
    assert run.returncode == 0, run.output
    smtp = "SMTP %s:%s (starttls): ok in " % (v["mail_session_smtp_host"], v["mail_session_smtp_port"])
    pop = "POP3 %s:%s (ssl): ok in " % (v["mail_session_pop_host"], v["mail_session_pop_port"])
    assert smtp in run.output and pop in run.output
    assert run.output.count("authenticated as '%s'" % v["mail_session_smtp_user"]) == 2
    assert "TLSv1.3" in run.output
    leaked = [name for name in ("mail_session_smtp_password", "mail_session_pop_password") if v[name] in run.output]
    assert not leaked


def test_liferay_sends_and_reads_back_a_message_with_the_written_settings(
    java, mail_logs, liferay_vars, liferay_ip, properties_path
):
    """Commons Configuration reads portal-ext.properties, Jakarta Mail submits a message with it
    (STARTTLS, AUTH) the way Liferay's MailEngine does and fetches it back over POP3S."""
    v = liferay_vars
    subject = "Liferay round trip %s — ü" % uuid.uuid4()
    run = java("LiferayMailRoundTrip", properties_path, v["mail_session_pop_user"], subject, "30")
    assert run.rc == 0, run.stdout + run.stderr
    out = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    assert out["transport"] == "smtp"
    assert out["smtp"] == "%s:%s" % (v["mail_session_smtp_host"], v["mail_session_smtp_port"])
    assert out["smtp_tls"] == "true"
    assert "PLAIN" in out["smtp_auth"].split()
    assert out["smtp_reply"].startswith("250")
    assert out["store"] == "pop3s"
    assert out["pop"] == "%s:%s" % (v["mail_session_pop_host"], v["mail_session_pop_port"])
    assert out["received_subject"] == subject
    assert out["received_from"] == v["mail_session_from_address"]
    assert out["received_from_name"] == v["mail_session_from_name"]
    assert out["deleted"] == "true"
    # the mail server's side: submitted from the Liferay container by the account, stored by LMTP
    postfix = mail_logs.postfix
    queue_ids = re.findall(r"(\w+): message-id=%s$" % re.escape(out["message_id"]), postfix, re.MULTILINE)
    assert len(queue_ids) == 1, postfix
    client = r"%s: client=\S*\[%s\], sasl_method=\w+, sasl_username=%s$" % (
        queue_ids[0],
        re.escape(liferay_ip),
        re.escape(v["mail_session_smtp_user"]),
    )
    assert re.search(client, postfix, re.MULTILINE), postfix
    assert "msgid=%s: saved mail to INBOX" % out["message_id"] in mail_logs.dovecot
