"""LIFERAY_* names of the keys the role writes, against the names Liferay publishes.

The oracle is data, not code: tests/data/liferay_env_names.json holds the ``# Env:`` lines
portal-impl/src/portal.properties documents above each property (source, commit and how they
were copied are in the file). Nothing here encodes a key: the role's encoder
(``env_names.env_name``) must give exactly the published names. Keys Liferay publishes no
name for are listed, not derived; for them only the transcription of Liferay's decoder in
tests/codecs/test_env_variables_decode_as_liferay_does.py speaks (tests/java/LiferayEnvReader.java applies
values to keys already decoded: it has no decoder of its own).
"""

from __future__ import annotations

import itertools
import json

import pytest
from harness import TESTS

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import decode_env_name, env_name
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import jndi_portal_properties
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import portal_properties_for
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import portal_properties
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import validate
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import OSGI

DATA = json.loads((TESTS / "data" / "liferay_env_names.json").read_text(encoding="utf-8"))
BLOCKS = DATA["blocks"]
WITNESSES = DATA["witnesses"]
PUBLISHED_KEYS = {key: block for block in BLOCKS for key in block["keys"]}

# The settings the role maps to portal properties, in every combination that matters for the keys.
SMTP = [
    {"smtp_security": "none", "smtp_port": 25},
    {"smtp_security": "none", "smtp_port": 25, "smtp_user": "u", "smtp_password": "p"},
    {"smtp_security": "starttls"},
    {"smtp_security": "starttls", "smtp_user": "u", "smtp_password": "p"},
    {"smtp_security": "ssl"},
    {"smtp_security": "ssl", "smtp_user": "u", "smtp_password": "p"},
]
POP = [{}] + [
    {"pop_host": "pop.example.com", "pop_security": security, "pop_user": "u", "pop_password": "p"}
    for security in ("none", "starttls", "ssl")
]
SERVER_WIDE = [
    {},
    {
        "batch_size": 0,
        "audit_trail": "audit@example.com",
        "send_blacklist": ["noreply@example.com"],
        "throws_exception_on_failure": True,
        "pop_server_notifications": True,
    },
]
SENDER = [{}, {"from_name": "Liferay", "from_address": "liferay@example.com"}]

# What the enumeration must find. Published: anchored by a name Liferay prints.
ANCHORED = {
    "mail.session.mail.transport.protocol",
    "mail.session.mail.smtp.host",
    "mail.session.mail.smtp.port",
    "mail.session.mail.smtp.auth",
    "mail.session.mail.smtp.user",
    "mail.session.mail.smtp.password",
    "mail.session.mail.smtp.starttls.enable",
    "mail.session.mail.store.protocol",
    "mail.session.mail.pop3.host",
    "mail.session.mail.pop3.port",
    "mail.session.mail.pop3.user",
    "mail.session.mail.pop3.password",
    "mail.session.jndi.name",
    "mail.batch.size",
    "mail.audit.trail",
    "mail.send.blacklist",
    "mail.throws.exception.on.failure",
    "pop.server.notifications.enabled",
    "admin.email.from.name",
    "admin.email.from.address",
}
# Not in portal.properties: Liferay publishes no name, so no independent anchor.
NOT_PUBLISHED = {
    "mail.session.mail.smtp.starttls.required",
    "mail.session.mail.smtps.host",
    "mail.session.mail.smtps.port",
    "mail.session.mail.smtps.auth",
    "mail.session.mail.smtps.user",
    "mail.session.mail.smtps.password",
    "mail.session.mail.pop3.starttls.enable",
    "mail.session.mail.pop3.starttls.required",
    "mail.session.mail.pop3s.host",
    "mail.session.mail.pop3s.port",
    "mail.session.mail.pop3s.user",
    "mail.session.mail.pop3s.password",
}


def role_settings():
    for smtp, pop, server_wide, sender in itertools.product(SMTP, POP, SERVER_WIDE, SENDER):
        yield {"smtp_host": "smtp.example.com", **smtp, **pop, **server_wide, **sender}


def role_keys():
    """Every portal property key the role writes (portal-ext.properties or the Docker env file), its own
    keys only: mail_session_javamail_properties adds keys of the administrator's choosing."""
    keys = set()
    for settings in role_settings():
        assert not validate(settings).errors, (settings, validate(settings).errors)
        keys |= set(portal_properties(settings))  # 7.0 - 2025.Q3, built-in session
        keys |= set(portal_properties_for(settings, OSGI))  # 2025.Q4+: the sender only
        keys |= set(jndi_portal_properties(dict(settings, method="app_server")))  # application-server session
    return keys


def test_the_data_names_its_source():
    for source in DATA["sources"].values():
        assert source["repository"] == "liferay/liferay-portal"
        assert len(source["commit"]) == 40
    for block in BLOCKS + WITNESSES:
        assert block["source"] in DATA["sources"]
        assert block["env"] and block["keys"]
        assert all(name.startswith("LIFERAY_") for name in block["env"])
        assert len(set(block["env"])) == len(block["env"]) == len(set(block["keys"])), block


@pytest.mark.parametrize("block", BLOCKS + WITNESSES, ids=lambda block: block["keys"][0])
def test_the_encoder_gives_each_published_block_exactly_its_names(block):
    """A block's names are not paired with its keys in the source: the keys must map onto exactly those
    names (names are distinct, so one wrong name shows, short of two keys' names swapped)."""
    assert sorted(env_name(key) for key in set(block["keys"])) == sorted(block["env"])
    assert sorted(decode_env_name(name) for name in block["env"]) == sorted(set(block["keys"]))


def test_every_key_the_role_writes_has_the_published_name_where_liferay_publishes_one():
    keys = role_keys()
    anchored = {key for key in keys if key in PUBLISHED_KEYS}
    for key in anchored:
        assert env_name(key) in PUBLISHED_KEYS[key]["env"], key
    assert anchored == ANCHORED
    assert keys - anchored == NOT_PUBLISHED
    assert (len(anchored), len(keys)) == (20, 32)


def test_the_witnesses_cover_every_character_class_of_a_javamail_key():
    """mail_session_javamail_properties keys match ^mail\\.[A-Za-z0-9_.\\-]+$: upper case, digits, '_' and
    '-' are each encoded in some published name (checked above), not only '.' and lower case."""
    witnessed = set("".join(key for block in BLOCKS + WITNESSES for key in block["keys"]))
    assert {"-", "_", "."} <= witnessed
    assert any(ch.isupper() for ch in witnessed)
    assert any(ch.isdigit() for ch in witnessed)
