"""LIFERAY_* environment variables: names Liferay decodes into portal property keys, values it reads back.

Names: the encoder must produce the examples published by Liferay (portal.properties'
``Env:`` lines quoted in shared/reference/liferay-mail.md, and the variables Liferay's
own liferay-docker scripts set), and a decoder transcribed from
``ComponentPropertiesUtil._decode`` must invert every generated name. Every key the role
writes against the names portal.properties publishes, as data: tests/codecs/test_env_names_are_the_published_ones.py.

Values: Liferay applies them with Commons Configuration's ``setProperty``; the real
1.10 jar (Debian's libcommons-configuration-java) is driven by
tests/java/LiferayEnvReader.java to prove every value reads back exactly.
"""

from __future__ import annotations

import base64
import random

import pytest
from conftest import java_program
from harness import java
from harness.properties_corpus import corpus, storable

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import (
    CHARPOOL_CHARS,
    decode_env_name,
    encode_env_value,
    env_file_lines,
    env_name,
    render_env_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import configuration_override_key
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import portal_properties
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK

PUBLISHED = {
    # shared/reference/liferay-mail.md (from portal.properties)
    "mail.session.mail.pop3.host": "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP_NUMBER3__PERIOD_HOST",
    # learn.liferay.com, Liferay Cloud "Liferay Service Environment Variables"
    "company.default.time.zone": "LIFERAY_COMPANY_PERIOD_DEFAULT_PERIOD_TIME_PERIOD_ZONE",
    # liferay/liferay-docker compose generators
    "cluster.link.channel.properties.transport.0": (
        "LIFERAY_CLUSTER_PERIOD_LINK_PERIOD_CHANNEL_PERIOD_PROPERTIES_PERIOD_TRANSPORT_PERIOD__NUMBER0_"
    ),
    "cluster.link.enabled": "LIFERAY_CLUSTER_PERIOD_LINK_PERIOD_ENABLED",
    "configuration.override.com.liferay.portal.search.elasticsearch7.configuration."
    "ElasticsearchConfiguration_clusterName": (
        "LIFERAY_CONFIGURATION_PERIOD_OVERRIDE_PERIOD_COM_PERIOD_LIFERAY_PERIOD_PORTAL_PERIOD_SEARCH_PERIOD_"
        "ELASTICSEARCH_NUMBER7__PERIOD_CONFIGURATION_PERIOD__UPPERCASEE_LASTICSEARCH_UPPERCASEC_ONFIGURATION_"
        "UNDERLINE_CLUSTER_UPPERCASEN_AME"
    ),
}


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_names_match_the_published_examples(key):
    assert env_name(key) == PUBLISHED[key]
    assert decode_env_name(PUBLISHED[key]) == key


def test_the_reference_rules_for_single_characters():
    assert env_name("a.b") == "LIFERAY_A_PERIOD_B"
    assert env_name("a-b") == "LIFERAY_A_MINUS_B"
    assert env_name("a_b") == "LIFERAY_A_UNDERLINE_B"
    assert env_name("aF") == "LIFERAY_A_UPPERCASEF_"
    assert env_name("a[0]") == "LIFERAY_A_OPENBRACKET__NUMBER0__CLOSEBRACKET_"
    assert env_name("a\u00e9") == "LIFERAY_A_233_"  # no CharPool name: the decimal code point


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("LIFERAY_MAIL_46_SESSION", "mail.session"),  # decimal code point, as the reference says
        ("LIFERAY_MAIL_DASH_X", "mail-x"),  # the other CharPool name of '-'
        ("LIFERAY_A_FORWARDSLASH_B_SLASH_C", "a/b/c"),
        ("LIFERAY_A_period_B", "a.b"),  # names are compared upper-case
        ("LIFERAY_A_NOSUCHNAME_B", "a_nosuchname_b"),  # undecodable: kept literally
        ("LIFERAY_A__B", "a__b"),
        ("LIFERAY_TRAILING_", "trailing_"),
        ("LIFERAY_A_99999999_B", "a_99999999_b"),  # not a code point
        ("LIFERAY_CLUSTER_PERIOD_TRANSPORT_PERIOD_NUMBER0", "cluster.transport.number0"),  # unclosed token
        ("LIFERAY_JVM_OPTS", "jvm_opts"),  # Docker image variables decode to harmless keys
        ("OTHER_VAR", None),
    ],
)
def test_decoder_follows_component_properties_util(name, key):
    assert decode_env_name(name) == key


def key_corpus(size=1500, seed=4242):
    rng = random.Random(seed)
    alphabet = (
        list("abcdefghijklmnopqrstuvwxyz") * 3
        + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list(CHARPOOL_CHARS.values())
        + ["é", "中", "\U0001f600", "\u2028", "_", "__", "."]
    )
    keys = [
        "mail.session.mail.smtp.host",
        "mail.session.mail.smtps.password",
        "mail.session.mail.smtp.socketFactory.class",
        "admin.email.from.name",
        "mail.session.mail.pop3.starttls.enable",
        "a",
        "_",
        "__x__",
        "9lives",
    ]
    while len(keys) < size:
        keys.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))))
    return keys


def test_decoder_inverts_every_generated_name():
    failures = [(key, env_name(key)) for key in key_corpus() if decode_env_name(env_name(key)) != key]
    assert not failures, failures[:5]


def test_generated_names_are_portable_environment_names():
    for key in key_corpus():
        assert all(ch.isupper() or ch.isdigit() or ch == "_" for ch in env_name(key)), key


def test_every_mail_key_the_role_writes_has_a_name_that_decodes_back():
    settings = {
        "smtp_host": "smtp.example.com",
        "smtp_security": "ssl",
        "smtp_user": "u",
        "smtp_password": "p",
        "pop_host": "pop.example.com",
        "pop_security": "starttls",
        "pop_user": "u",
        "pop_password": "p",
        "javamail_properties": {"mail.smtps.ssl.checkserveridentity": True, "mail.smtps.socketFactory.fallback": "0"},
        "from_name": "A",
        "from_address": "a@example.com",
    }
    for key in portal_properties(settings):
        assert decode_env_name(env_name(key)) == key


def test_configuration_override_key_for_a_mail_attribute():
    key = configuration_override_key(
        "com.liferay.mail.settings.configuration.MailSettingSystemConfiguration", "jndiName"
    )
    assert (
        key == "configuration.override.com.liferay.mail.settings.configuration.MailSettingSystemConfiguration_jndiName"
    )
    assert decode_env_name(env_name(key)) == key


# --------------------------------------------------------------------------
# values, against the real Commons Configuration 1.10
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env_reader(tmp_path_factory):
    """Callable: [(key, value)] -> [(key, what PropsUtil.get returns)] once each value is set on a configuration
    that holds the key (tests/java/LiferayEnvReader.java, on the real Commons Configuration 1.10)."""
    reader = java_program(tmp_path_factory, "LiferayEnvReader")

    def read(pairs):
        data = reader.out / "input.tsv"
        data.write_text("".join("%s\t%s\n" % (b64(key), b64(value)) for key, value in pairs), encoding="utf-8")
        return [tuple(java.b64_fields(line)) for line in reader.run(data).stdout.splitlines()]

    return read


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def test_every_storable_value_reads_back_exactly_from_the_environment(env_reader):
    values = [v for v in corpus() if storable(v) and "\x00" not in v]
    values += ["a,b", "a, b", "x\\,y", "p\\q,r", "${x},y", "$${x}", "a\\\\,b", "\\", "a\\", ",lead", "end,"]
    assert len(values) >= 1000
    pairs = [("k%d" % index, encode_env_value(value)) for index, value in enumerate(values)]
    read = dict(env_reader(pairs))
    mismatches = [(v, encode_env_value(v), read["k%d" % i]) for i, v in enumerate(values) if read["k%d" % i] != v]
    assert not mismatches, "%d values differ, first: %r" % (len(mismatches), mismatches[:3])


def test_premise_a_naive_value_with_a_comma_is_split_and_trimmed(env_reader):
    assert env_reader([("k", "a, b")]) == [("k", "a,b")]
    assert env_reader([("k", "a\\,b")]) == [("k", "a,b")]  # one escape is not enough: split twice
    assert env_reader([("k", "${x}")]) == [("k", "${x}")]


@pytest.mark.parametrize("value", [" a,b", "a,b ", "\ta,b"])
def test_values_liferay_would_trim_are_refused(value):
    with pytest.raises(OsgiError) as info:
        encode_env_value(value)
    assert "cannot be stored exactly" in str(info.value)


# --------------------------------------------------------------------------
# the env file
# --------------------------------------------------------------------------

SECRET = "S3cr3t,pa\\ss${x} Zoë"


def test_env_file_sets_each_property_once_sorted_with_secrets_maskable():
    properties = {
        "mail.session.mail.smtp.host": "smtp.example.com",
        "mail.session.mail.smtp.password": SECRET,
        "mail.session.mail.smtp.port": "587",
    }
    text = render_env_file(properties, header="Managed by Ansible")
    lines = text.splitlines()
    assert lines[0] == "# Managed by Ansible"
    assert lines[1:] == [
        "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST=smtp.example.com",
        "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PASSWORD=" + encode_env_value(SECRET),
        "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PORT=587",
    ]
    masked = render_env_file(properties, mask=True)
    assert "PASSWORD=%s\n" % MASK in masked
    assert "S3cr3t" not in masked


def docker_env_file_parse(text):
    """docker/cli opts/file.go parseKeyValueFile, transcribed: no quotes, no escapes, no value trimming."""
    result = {}
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw  # bufio.ScanLines drops a final CR
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        assert name and " " not in name and "\t" not in name
        result[name] = value
    return result


def test_docker_reads_every_value_back_unchanged():
    values = [v for v in corpus() if storable(v) and not set(v) & set("\n\r\x00")]
    properties = {"k%d" % i: v for i, v in enumerate(values)}
    parsed = docker_env_file_parse(render_env_file(properties))
    for key, value in properties.items():
        assert parsed[env_name(key)] == encode_env_value(value)


@pytest.mark.parametrize("bad", ["line\nbreak", "carriage\rreturn", "nul\x00", "x" * 70000])
def test_values_an_env_file_cannot_hold_are_refused_naming_the_key_only(bad):
    with pytest.raises(OsgiError) as info:
        env_file_lines({"mail.session.mail.smtp.password": bad})
    assert "mail.session.mail.smtp.password" in str(info.value)
    assert bad[:5] not in str(info.value)
