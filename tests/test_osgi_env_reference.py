"""``{env: NAME}`` passwords: what the role writes is what Liferay DXP 2025.Q4+ / Portal 2026 resolves.

The oracle below is written here, from the reading order of Liferay's ``.config`` reader
(modules/apps/static/portal-file-install/portal-file-install-api, see
docs/osgi-environment-references.md), and imports nothing from the role's module_utils:

1. ``TypedProperties.PropertiesReader``: read a line (``\\`` at the end continues it, the
   pieces trimmed), skip empty and ``#`` lines, match ``key = value`` with the pattern
   ``(\\s*[0-9a-zA-Z-_.]+\\s*)=(\\s*[TILFDXSCBilfdxscb]?(\\[...\\]|\\{...\\}|\\(...\\)|"...")\\s*)``;
2. ``InterpolationUtil.substVars`` on the trimmed *raw* value text: the first ``}`` not
   preceded by ``\\``, the last ``${`` before it; the name between them is looked up as a
   system property, else, only when it starts with ``LIFERAY_``, as an environment variable;
   not found (or an empty name) gives ``""``; the result is substituted again;
3. ``ConfigurationHandler.read`` on the substituted text: optional type code, ``"..."`` with
   ``\\b \\t \\n \\f \\r \\uXXXX`` escapes and any other ``\\X`` read as ``X``, the string ending
   at the first unescaped ``"`` (the rest of the line is ignored), ``[...]`` / ``(...)`` lists.

Liferay's own unit tests (TypedPropertiesTest, InterpolationUtilTest) pin the oracle first.
"""

from __future__ import annotations

import re

import liferay_osgi_config
import pytest
from ansible.module_utils.liferay_osgi import (
    COMPANY_PID,
    EnvRef,
    company_configuration,
    module_args,
    validate_settings,
)
from osgi_testlib import module_runner

# --------------------------------------------------------------------------
# the oracle: Liferay's reader, step by step
# --------------------------------------------------------------------------

LIFERAY_ENV_PREFIX = "LIFERAY_"


class ReaderHangs(Exception):
    """Where the Java reader would loop (or recurse) forever."""


def java_trim(text):
    """String.trim(): strip every character <= U+0020 at both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _find(text, sub, start=0):
    """String.indexOf(sub, fromIndex): fromIndex below 0 counts as 0."""
    return text.find(sub, max(start, 0))


def subst_vars(value, system_properties, environ, budget=10_000):
    """InterpolationUtil.substVars of DXP 2025.Q4+ / Portal 2026 (one reference per round)."""
    for _ in range(budget):
        start, stop = _find(value, "${"), _find(value, "}")
        steps = 0
        while start >= 0 and stop >= 0:
            steps += 1
            if steps > budget:
                raise ReaderHangs(value)
            while stop > 0 and value[stop - 1] == "\\":
                stop = _find(value, "}", stop + 1)
            while stop >= 0:  # the innermost ${ before that }
                index = _find(value, "${", start + 2)
                if index < 0 or index > stop:
                    break
                start = index
            if start < stop:
                break
            stop = _find(value, "}", stop + 1)
            start = _find(value, "${")
        if start < 0 or stop < 0:
            return value
        name = value[start + 2 : stop]
        found = None
        if name:
            found = system_properties.get(name)
            if found is None and name.startswith(LIFERAY_ENV_PREFIX):
                found = environ.get(name)
        value = value[:start] + ("" if found is None else found) + value[stop + 1 :]
    raise ReaderHangs(value)


class _Chars:
    """A PushbackReader(1) over a string; read() turns \\r\\n and \\r into \\n like ConfigurationHandler._read."""

    def __init__(self, text):
        self.text, self.i = text, 0

    def raw(self):
        if self.i >= len(self.text):
            self.i += 1
            return -1
        ch = self.text[self.i]
        self.i += 1
        return ord(ch)

    def unread(self):
        self.i -= 1

    def read(self):
        c = self.raw()
        if c == 13:
            if self.raw() != 10:
                self.unread()
            c = 10
        return c

    def skip_white(self):
        c = self.read()
        while c >= 0 and chr(c).isspace():
            c = self.read()
        return c

    def skip_white_and_breaks(self):
        c = self.skip_white()
        while c == ord("\\"):
            nxt = self.read()
            if nxt in (10, 13):
                c = self.skip_white()
            else:
                self.unread()
                break
        return c


def _read_quoted(chars):
    out = []
    while True:
        c = chars.read()
        if c == ord("\\"):
            c = chars.read()
            named = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}
            if c >= 0 and chr(c) in named:
                out.append(named[chr(c)])
            elif c == ord("u"):
                digits = "".join(chr(d) for d in (chars.read() for _ in range(4)) if d >= 0)
                if len(digits) == 4:
                    out.append(chr(int(digits, 16)))  # NumberFormatException in Java when not hex
            else:
                out.append(chr(c & 0xFFFF))
        elif c in (-1, ord('"')):
            chars.unread()
            return "".join(out)
        else:
            out.append(chr(c))


TYPE_CODES = "BXCDFILST"


def _convert(code, text):
    if code == "B":
        return text.lower() == "true"
    if code in "XILS":
        return int(text)
    if code in "DF":
        return float(text)
    if code == "C":
        return text[:1] or None
    return text


def _join_utf16(value):
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    if isinstance(value, list):
        return [_join_utf16(item) for item in value]
    return value


def read_typed(text):
    """ConfigurationHandler.read: the Java object a typed value text stands for (None when unreadable)."""
    chars = _Chars(text)
    code = chars.skip_white()
    if code >= 0 and chr(code).upper() in TYPE_CODES:
        kind, code = chr(code).upper(), chars.read()
    else:
        kind = "T"
    if code == ord('"'):
        value = _convert(kind, _read_quoted(chars))
        chars.read()  # the closing quote; anything after it is ignored
        return _join_utf16(value)
    if code in (ord("["), ord("(")):
        closing = ord("]") if code == ord("[") else ord(")")
        items = []
        while True:
            token = chars.skip_white_and_breaks()
            if token == ord('"'):
                items.append(_convert(kind, _read_quoted(chars)))
                chars.read()
                token = chars.skip_white_and_breaks()
            if token == closing:
                return _join_utf16(items)
            if token != ord(","):
                return None
    return None


LINE_RE = re.compile(
    r'(\s*[0-9a-zA-Z\-_.]+\s*)=(\s*[TILFDXSCBilfdxscb]?(\[[\S\s]*\]|\{[\S\s]*\}|\([\S\s]*\)|"[\S\s]*")\s*)', re.ASCII
)


def load_config(text, system_properties=None, environ=None):
    """TypedProperties.load + get: {key: value} as Liferay's ConfigurationFileInstaller receives it."""
    system_properties, environ = system_properties or {}, environ or {}
    lines = iter(re.split(r"\r\n|\r|\n", text))
    values = {}
    while True:
        pieces = []
        for line in lines:
            if not line:
                continue
            if java_trim(line)[:1] == "#":
                continue
            combine = line.endswith("\\")
            pieces.append(java_trim(line[:-1] if combine else line))
            if not combine:
                break
        if not pieces:
            return values
        match = LINE_RE.fullmatch("".join(pieces))
        assert match, "Liferay logs 'Unable to parse config line' and stops reading: %r" % "".join(pieces)
        raw = subst_vars(java_trim(match.group(2)), system_properties, environ)
        values[java_trim(match.group(1))] = read_typed(raw)


# --------------------------------------------------------------------------
# the oracle against Liferay's own unit tests of the reader
# --------------------------------------------------------------------------


def test_oracle_agrees_with_liferays_typed_properties_test():
    env = {"LIFERAY_FOO_ENV_VALUE": "ENV_TEST_VALUE"}
    assert load_config('testKey="${LIFERAY_FOO_ENV_VALUE}"', environ=env) == {"testKey": "ENV_TEST_VALUE"}
    assert load_config('testKey="${LIFERAY_FOO_ENV_VALUE}"') == {"testKey": ""}
    system = {"testSystemKey": "testSystemValue"}
    assert load_config('testKey = "${testSystemKey}"', system) == {"testKey": "testSystemValue"}
    assert load_config('testKey = "testValue\\=test"') == {"testKey": "testValue=test"}
    assert load_config('testKey = "testValue1,\\\n\ttestValue2"') == {"testKey": "testValue1,testValue2"}
    assert load_config('testKey = I"1"') == {"testKey": 1}
    assert load_config('testKey = ["testValue1", "testValue2"]') == {"testKey": ["testValue1", "testValue2"]}
    assert load_config('testKey = [\\\n\t"testValue1",\\\n\t"testValue2"\\\n]') == {
        "testKey": ["testValue1", "testValue2"]
    }
    assert load_config('#comment\n\ntestKey = ""\n') == {"testKey": ""}


def test_oracle_agrees_with_liferays_interpolation_util_test():
    system = {"testSystemKey": "testSystemValue", "testSystemKey2": "testSystemKey"}
    assert subst_vars("${testSystemKeyNonexistent}", system, {}) == ""
    assert subst_vars("${testSystemKey}}", system, {}) == "testSystemValue}"
    assert subst_vars("test${testSystemKey}test", system, {}) == "testtestSystemValuetest"
    assert subst_vars("${testSystemKey}${testSystemKey}", system, {}) == "testSystemValue" * 2
    assert subst_vars("${${testSystemKey2}}", system, {}) == "testSystemValue"


def test_oracle_reads_the_environment_only_for_liferay_names_and_never_env_colon():
    env = {"LIFERAY_A": "a", "SMTP_PASSWORD": "b", "env:SMTP_PASSWORD": "c"}
    assert subst_vars("${LIFERAY_A}", {}, env) == "a"
    assert subst_vars("${SMTP_PASSWORD}", {}, env) == ""
    assert subst_vars("${env:SMTP_PASSWORD}", {}, env) == ""
    assert subst_vars("${env:LIFERAY_A}", {}, env) == ""
    assert subst_vars("${}", {}, env) == ""
    assert subst_vars("${LIFERAY_A}", {"LIFERAY_A": "from -D"}, env) == "from -D"  # a system property wins


# --------------------------------------------------------------------------
# what the role writes, read by the oracle
# --------------------------------------------------------------------------

SETTINGS = {"smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_security": "starttls", "smtp_user": "u"}


@pytest.fixture
def run_module(monkeypatch, capsys, tmp_path):
    return module_runner(liferay_osgi_config.main, monkeypatch, capsys, tmp_path)


@pytest.fixture
def configs(tmp_path):
    directory = tmp_path / "osgi" / "configs"
    directory.mkdir(parents=True)
    return directory


def written_by_the_role(run_module, configs, **settings):
    """The .config text the role's mapping + liferay_osgi_config module write for *settings*."""
    attributes, secrets = company_configuration(dict(SETTINGS, **settings))
    properties, secret_properties = module_args(attributes, secrets)
    result = run_module(
        configs_dir=str(configs), pid=COMPANY_PID, properties=properties, secret_properties=secret_properties
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
    read = load_config(text, {}, env)
    assert read["smtpPassword"] == secret
    assert read["popPassword"] == "pop-" + secret
    assert read["outgoingSMTPServer"] == "smtp.example.com"
    assert read["enableStartTLS"] is True
    assert load_config(text, {}, {})["smtpPassword"] == ""  # unset: an empty password


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
    assert load_config(text, {}, env)["smtpPassword"] == liferay_reads


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
    assert load_config(text, system, env)["smtpPassword"] == password


def test_substitution_runs_on_the_raw_text_so_escaped_dollar_braces_stay_literal():
    env = {"LIFERAY_X": "from-env"}
    assert load_config('a="\\u0024{LIFERAY_X}"', {}, env) == {"a": "${LIFERAY_X}"}
    assert load_config('a="$\\{LIFERAY_X\\}"', {}, env) == {"a": "${LIFERAY_X}"}
    assert load_config('a="${LIFERAY_X}"', {}, env) == {"a": "from-env"}


def test_the_form_the_role_wrote_before_reads_as_an_empty_password():
    env = {"LIFERAY_SMTP_PASSWORD": "s", "SMTP_PASSWORD": "s"}
    assert load_config('smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}
    assert load_config('smtpPassword="${env:SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}
    assert load_config('smtpPassword="${SMTP_PASSWORD}"', {}, env) == {"smtpPassword": ""}


def test_the_round_trip_check_fails_for_the_old_writer(run_module, configs, monkeypatch):
    """The tests above can fail: with the previous ``${env:NAME}`` output the password reads as empty."""
    monkeypatch.setattr(EnvRef, "raw", lambda self: "${env:%s}" % self.name)
    text = written_by_the_role(run_module, configs, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"})
    assert 'smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"' in text
    assert load_config(text, {}, {"LIFERAY_SMTP_PASSWORD": "S3cret-pw"})["smtpPassword"] == ""


def test_a_file_from_the_old_role_is_rewritten_and_the_problem_named(run_module, configs):
    path = configs / (COMPANY_PID + ".config")
    path.write_text('smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"\n', encoding="ascii")
    result = run_module(
        configs_dir=str(configs),
        pid=COMPANY_PID,
        secret_properties={"smtpPassword": {"env": "LIFERAY_SMTP_PASSWORD"}},
    )
    assert result["changed"] is True
    assert result["updated"] == ["smtpPassword"]
    assert any("${env:NAME}" in problem and "empty" in problem for problem in result["problems"])
    assert load_config(path.read_text(), {}, {"LIFERAY_SMTP_PASSWORD": "s"})["smtpPassword"] == "s"


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
    result = run_module(
        configs_dir=str(configs), pid=COMPANY_PID, secret_properties={"smtpPassword": {"env": "SMTP_PASSWORD"}}
    )
    assert result["failed"] is True
    # secret_properties is no_log, so Ansible masks the variable's name in the message
    assert result["msg"].startswith("smtpPassword: {env: ")
    assert "reads only environment variables whose names start with LIFERAY_" in result["msg"]
    assert not (configs / (COMPANY_PID + ".config")).exists()
