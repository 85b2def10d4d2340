"""``{env: NAME}`` passwords: what the role writes is what Liferay DXP 2025.Q4+ / Portal 2026 resolves.

Every file is read back by the ``.config`` oracle (tests/oracles/liferay_config.py, written from
Liferay's portal-file-install reader and checked against Liferay's own TypedPropertiesTest,
ConfigurationHandlerTest and InterpolationUtilTest in tests/oracles/): ``${NAME}`` is substituted
into the *raw* value text (a system property, else the environment for ``LIFERAY_`` names only,
else nothing) before the typed value is decoded.
"""

from __future__ import annotations

import pytest
from oracles.liferay_config import load

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import EnvRef
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import (
    COMPANY_PID,
    company_configuration,
    module_args,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation_generation import validate_settings
from ansible_collections.liferay_ops.mail.plugins.modules import osgi_config

# --------------------------------------------------------------------------
# what the role writes, read by the oracle
# --------------------------------------------------------------------------

SETTINGS = {"smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_security": "starttls", "smtp_user": "u"}


@pytest.fixture
def configs(tmp_path):
    directory = tmp_path / "osgi" / "configs"
    directory.mkdir(parents=True)
    return directory


def password_from(run_module, configs, name):
    """The osgi_config module run with smtpPassword alone, {env: name}."""
    secrets = {"smtpPassword": {"env": name}}
    return run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, secret_properties=secrets)


def written_by_the_role(run_module, configs, **settings):
    """The .config text the role's mapping + osgi_config module write for *settings*."""
    attributes, secrets = company_configuration(dict(SETTINGS, **settings))
    properties, secret_properties = module_args(attributes, secrets)
    result = run_module(
        osgi_config,
        configs_dir=str(configs),
        pid=COMPANY_PID,
        properties=properties,
        secret_properties=secret_properties,
    )
    assert result.get("failed") is not True, result.get("msg")
    return (configs / (COMPANY_PID + ".config")).read_text(encoding="ascii")


READABLE_VALUES = [
    "S3cret-pw",
    "pass word with  spaces ",
    "p=a#s!s:w;o,r[d](x)'",
    "a$b{c}d}$",
    "Zoë-пароль-密码-😀",
    "",
]


@pytest.mark.parametrize("secret", READABLE_VALUES, ids=range(len(READABLE_VALUES)))
def test_env_reference_reads_back_as_the_variables_value(run_module, configs, secret):
    text = written_by_the_role(
        run_module,
        configs,
        smtp_password={"env": "LIFERAY_SMTP_PASSWORD"},
        pop_host="pop.example.com",
        pop_user="p",
        pop_password={"env": "LIFERAY_POP_PASSWORD"},
    )
    assert 'smtpPassword="${LIFERAY_SMTP_PASSWORD}"\n' in text
    env = {"LIFERAY_SMTP_PASSWORD": secret, "LIFERAY_POP_PASSWORD": "pop-" + secret, "SMTP_PASSWORD": "wrong"}
    read = load(text, {}, env)
    assert read["smtpPassword"] == secret
    assert read["popPassword"] == "pop-" + secret
    assert read["outgoingSMTPServer"] == "smtp.example.com"
    assert read["enableStartTLS"] is True
    assert load(text, {}, {})["smtpPassword"] == ""  # unset: an empty password


@pytest.mark.parametrize(
    ("secret", "liferay_reads"),
    [
        ('say "hi"', "say "),  # the string ends at the quote
        ("back\\slash", "backslash"),  # \s is read as s
        ("a\\nb", "a\nb"),  # an escape
        ("x\\u0041", "xA"),  # decoded after the substitution
        ("${LIFERAY_OTHER}", "other"),  # substituted again
    ],
)
def test_values_the_reader_cannot_carry_are_the_documented_ones(run_module, configs, secret, liferay_reads):
    text = written_by_the_role(run_module, configs, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"})
    env = {"LIFERAY_SMTP_PASSWORD": secret, "LIFERAY_OTHER": "other"}
    assert load(text, {}, env)["smtpPassword"] == liferay_reads


LITERALS = [
    "${x}",
    "${LIFERAY_SMTP_PASSWORD}",
    "${env:LIFERAY_SMTP_PASSWORD}",
    "pre${LIFERAY_SMTP_PASSWORD}post${x}",
    "$\\{LIFERAY_SMTP_PASSWORD\\}",
    "\\u0024{LIFERAY_SMTP_PASSWORD}",
    '${x\\}"',
    "}{$",
]


@pytest.mark.parametrize("password", LITERALS)
def test_a_plain_password_with_dollar_brace_is_not_substituted(run_module, configs, password):
    text = written_by_the_role(run_module, configs, smtp_password=password)
    line = next(line for line in text.splitlines() if line.startswith("smtpPassword="))
    assert "${" not in line and "$" not in line
    env = {"LIFERAY_SMTP_PASSWORD": "from-env"}
    system = {"x": "from-a-system-property", "LIFERAY_SMTP_PASSWORD": "from-a-system-property"}
    assert load(text, system, env)["smtpPassword"] == password


def test_substitution_runs_on_the_raw_text_so_escaped_dollar_braces_stay_literal():
    env = {"LIFERAY_X": "from-env"}
    assert load('a="\\u0024{LIFERAY_X}"', {}, env) == {"a": "${LIFERAY_X}"}
    assert load('a="$\\{LIFERAY_X\\}"', {}, env) == {"a": "${LIFERAY_X}"}
    assert load('a="${LIFERAY_X}"', {}, env) == {"a": "from-env"}


def test_the_form_the_role_wrote_before_reads_as_an_empty_password():
    env = {"LIFERAY_SMTP_PASSWORD": "s", "SMTP_PASSWORD": "s"}
    assert load('smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}
    assert load('smtpPassword="${env:SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}
    assert load('smtpPassword="${SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}


def test_the_round_trip_check_fails_for_the_old_writer(run_module, configs, monkeypatch):
    """The tests above can fail: with the previous ``${env:NAME}`` output the password reads as empty."""
    monkeypatch.setattr(EnvRef, "raw", lambda self: "${env:%s}" % self.name)
    text = written_by_the_role(run_module, configs, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"})
    assert 'smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"' in text
    assert load(text, {}, {"LIFERAY_SMTP_PASSWORD": "S3cret-pw"})["smtpPassword"] == ""


def test_a_file_from_the_old_role_is_rewritten_and_the_problem_named(run_module, configs):
    path = configs / (COMPANY_PID + ".config")
    path.write_text('smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"\n', encoding="ascii")
    result = password_from(run_module, configs, "LIFERAY_SMTP_PASSWORD")
    assert result["changed"] is True
    assert result["updated"] == ["smtpPassword"]
    assert any("${env:NAME}" in problem and "empty" in problem for problem in result["problems"])
    assert load(path.read_text(), {}, {"LIFERAY_SMTP_PASSWORD": "s"})["smtpPassword"] == "s"


# --------------------------------------------------------------------------
# validation: a name Liferay would not read is refused, and says why
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("SMTP_PASS", "LIFERAY_SMTP_PASS"), ("liferay_smtp", "LIFERAY_smtp"), ("LIFERAY_", "LIFERAY_MAIL_PASSWORD")],
)
def test_a_name_without_liferay_prefix_is_refused_with_the_rule(name, suggestion):
    literal = "Pop-S3cret-${x}"
    settings = dict(SETTINGS, smtp_password={"env": name}, pop_host="pop.example.com", pop_user="p")
    settings["pop_password"] = literal
    errors = validate_settings(settings).errors
    mine = [message for message in errors if message.startswith("mail_session_smtp_password:")]
    assert mine == [
        "mail_session_smtp_password: {env: %s}: Liferay DXP 2025.Q4+ / Portal 2026 reads only environment variables "
        "whose names start with LIFERAY_ into a .config file (InterpolationUtil: ${NAME} is a system property, else "
        "System.getenv only for LIFERAY_ names); any other name would give an empty password. Name the variable %s "
        "and set it in Liferay's environment" % (name, suggestion)
    ]
    assert not any(literal in message or "S3cret" in message for message in errors)


def test_a_liferay_name_passes_validation():
    assert validate_settings(dict(SETTINGS, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"})).errors == []


def test_the_module_refuses_such_a_name_and_names_the_attribute(run_module, configs):
    result = password_from(run_module, configs, "SMTP_PASSWORD")
    assert result["failed"] is True
    # secret_properties is no_log, so Ansible masks the variable's name in the message
    assert result["msg"].startswith("smtpPassword: {env: ")
    assert "reads only environment variables whose names start with LIFERAY_" in result["msg"]
    assert not (configs / (COMPANY_PID + ".config")).exists()
