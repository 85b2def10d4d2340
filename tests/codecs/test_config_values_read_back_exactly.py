"""Every value the collection's .config writer is given reads back exactly in Liferay.

As tests/codecs/test_properties_values_read_back_exactly.py does for portal-ext.properties against the real Commons
Configuration: a seeded corpus (3,000 generated values and the hostile ones below: quotes,
backslashes, ``=``, spaces at the edges, every kind of control character, astral characters,
``${x}``, ``$[x]``, ``\\u0024``, ``${LIFERAY_X}`` as literal text…) is written by render_config and
by the osgi_config module, and read back by the .config oracle (tests/oracles/liferay_config.py,
Liferay's portal-file-install reader rewritten from its source). The reads set a system property and
a ``LIFERAY_*`` variable for every name the corpus mentions, so a literal that Liferay would
interpolate comes back changed. Exact means the same text and the same Java type.

The last tests break the writer on purpose (patched for the test only) and show which breakages the
battery catches, and which escapes the current reader does not need.
"""

from __future__ import annotations

import random

import pytest
from oracles.liferay_config import ReaderFailure, ReadProblems, java_type, load

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs import osgi_config as osgi_codec
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    EnvRef,
    OsgiError,
    encode_value,
    render_config,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID
from ansible_collections.liferay_ops.mail.plugins.modules import osgi_config

HEADER = "Managed by Ansible (mail_session role): change the inventory, not this file"

# every name a corpus value mentions resolves to something, so any interpolation shows
SYSTEM = {
    "x": "SYSTEM-x",
    "LIFERAY_X": "SYSTEM-LIFERAY_X",
    "env:LIFERAY_X": "SYSTEM-env",
    "${x}": "SYSTEM-nested",
    "a\\": "SYSTEM-a",
}
ENV = {"LIFERAY_X": "ENV-LIFERAY_X", "LIFERAY_SMTP_PASSWORD": "ENV-smtp", "SMTP_PASSWORD": "ENV-never-read"}

SPECIAL = [
    '"',
    "\\",
    "=",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\f",
    "\b",
    "\x0b",
    "\x00",
    "\x01",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "$",
    "{",
    "}",
    "${",
    "$${",
    "$\\{",
    "\\${",
    "${x}",
    "${LIFERAY_X}",
    "${env:LIFERAY_X}",
    "${}",
    "$[x]",
    "$(x)",
    "\\u0024",
    "\\u007b",
    "\\u",
    "\\uZZZZ",
    "\\n",
    "\\\\",
    "\\{",
    "\\}",
    "\\ ",
    '\\"',
    "\\\n",
    "#",
    "!",
    "[",
    "]",
    "(",
    ")",
    ",",
    ":",
    ";",
    "'",
    'B"true"',
    'L"1"',
    '"]',
    "é",
    "ß",
    "中",
    "\u0131",  # dotless i, upper-cases to I (a type code)
    "\u017f",  # long s, upper-cases to S
    "\u0661",
    "e\u0301",
    "\U0001f600",
    "\U00010348",
    "\U0010ffff",
]
ALPHABET = "abcXYZ019._-@/+"

HOSTILE = [
    "",
    " ",
    "   ",
    " lead",
    "trail ",
    "  both  ",
    "\tlead tab",
    "trail tab\t",
    '"',
    '""',
    '"quoted"',
    'say "hi"',
    "\\",
    "\\\\",
    "ends with a backslash\\",
    "=",
    "==",
    "a=b",
    "=lead",
    "key=value",
    "${x}",
    "${LIFERAY_X}",
    "${LIFERAY_SMTP_PASSWORD}",
    "pre${LIFERAY_X}post${x}",
    "${env:LIFERAY_X}",
    "${${x}}",
    "${a\\}",
    "${a\\}b}",
    "${",
    "}",
    "}{$",
    "$[x]",
    "\\u0024",
    "\\u0024{LIFERAY_X}",
    "$\\{LIFERAY_X\\}",
    "\\${LIFERAY_X}",
    "$${LIFERAY_X}",
    "#not a comment",
    "# ",
    "\x00",
    "\n",
    "\r\n",
    "line one\nline two",
    "\\\nnot a continuation",
    "\U0001f600",
    "astral \U0001f600\U00010348 end",
    'B"true"',
    'L"1"',
    '["a","b"]',
    "\u2028",
    "\ufeffbom",
    'p@ss,w0rd ü"',
    'Sm7p ${x}"=\\wörd',
]


def corpus(size=3000, seed=20261123):
    """HOSTILE and SPECIAL, then *size* distinct generated values (seeded: a failure is reproducible)."""
    rng = random.Random(seed)
    generated, seen = [], set(HOSTILE + SPECIAL)
    while len(generated) < size:
        pieces = []
        for _ in range(rng.randint(1, 16)):
            draw = rng.random()
            if draw < 0.4:
                pieces.append(rng.choice(SPECIAL))
            elif draw < 0.5:  # any character but a surrogate
                code = rng.choice(
                    [rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0xFFFF), rng.randint(0x10000, 0x10FFFF)]
                )
                pieces.append(chr(code))
            else:
                pieces.append(rng.choice(ALPHABET))
        value = "".join(pieces)
        if value not in seen:
            seen.add(value)
            generated.append(value)
    return HOSTILE + SPECIAL + generated


def mismatches(attributes, text, system=SYSTEM, environ=ENV):
    """(name, what was written, what Liferay reads) for every attribute that does not read back exactly."""
    read = load(text, system, environ)
    wrong = []
    for name, value in attributes.items():
        expected = expected_value(value, environ)
        got = read.get(name)
        if got != expected or java_type(got) != expected_type(value):
            wrong.append((name, value, got))
    return wrong + [(name, None, read[name]) for name in read if name not in attributes]


def expected_value(value, environ):
    if isinstance(value, EnvRef):
        return environ.get(value.name, "")
    if isinstance(value, list):
        return [expected_value(item, environ) for item in value]
    return value


def expected_type(value):
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, list):
        return "String[]"
    return "String"


def strings(values):
    return {"k%04d" % index: value for index, value in enumerate(values)}


def test_corpus_is_big_and_covers_every_class():
    values = corpus()
    assert len(values) >= 3000 + len(HOSTILE)
    assert len(set(values[len(HOSTILE) + len(SPECIAL) :])) == 3000  # distinct
    for needle in SPECIAL:
        assert any(needle in value for value in values[len(HOSTILE) + len(SPECIAL) :]), needle
    assert corpus() == values  # deterministic


def test_every_string_reads_back_exactly_in_liferay():
    values = [*corpus(), "\ud800", "a\udfffb", "\udc00\ud800"]  # lone surrogates: a Java String holds them
    attributes = strings(values)
    text = render_config(attributes, header=HEADER)
    text.encode("ascii")  # pure ASCII: the file encoding Liferay is configured with does not matter
    wrong = mismatches(attributes, text)
    assert not wrong, "%d values did not read back exactly, first: %r" % (len(wrong), wrong[:3])


def test_the_file_is_one_comment_and_one_line_per_attribute():
    attributes = strings(corpus())
    lines = render_config(attributes, header=HEADER).split("\n")
    assert lines[0] == "# " + HEADER and lines[-1] == ""
    body = lines[1:-1]
    assert len(body) == len(attributes)
    for line in body:
        assert not line.startswith((" ", "#")) and not line.endswith("\\"), line
        assert "${" not in line, line  # no literal can ever become a reference


def test_booleans_longs_lists_and_references_read_back_with_their_types():
    rng = random.Random(7)
    values = corpus(400, seed=99)
    attributes = {"yes": True, "no": False}
    for index, number in enumerate([0, 1, -1, 20097, 2**31, -(2**31) - 1, 2**63 - 1, -(2**63)]):
        attributes["edge%d" % index] = number
    for index in range(200):
        attributes["long%03d" % index] = rng.randint(-(2**63), 2**63 - 1)
        attributes["list%03d" % index] = rng.sample(values, rng.randint(0, 6))
    attributes["empty"] = []
    attributes["blanks"] = ["", " ", ""]
    attributes["ref"] = EnvRef("LIFERAY_SMTP_PASSWORD")
    attributes["unset"] = EnvRef("LIFERAY_UNSET")
    attributes["mixed"] = [EnvRef("LIFERAY_SMTP_PASSWORD"), "${LIFERAY_SMTP_PASSWORD}", "literal"]
    environ = dict(ENV, LIFERAY_SMTP_PASSWORD="S3cret pw=1 #x é \U0001f600 $ { }")  # what a reference may carry
    text = render_config(attributes, header=HEADER)
    wrong = mismatches(attributes, text, environ=environ)
    assert not wrong, "%d values did not read back exactly, first: %r" % (len(wrong), wrong[:3])


def test_the_osgi_config_module_writes_what_liferay_reads_back(run_module, tmp_path):
    configs = tmp_path / "osgi" / "configs"
    configs.mkdir(parents=True)
    properties = strings(corpus())
    properties.update({"companyId": 20097, "enableStartTLS": True, "sendBlacklist": HOSTILE[:20]})
    properties["popPassword"] = {"env": "LIFERAY_POP_PASSWORD"}
    secrets = {"s%03d" % index: value for index, value in enumerate(HOSTILE)}
    args = {"configs_dir": str(configs), "pid": COMPANY_PID, "properties": properties, "secret_properties": secrets}

    first = run_module(osgi_config, **args)
    assert first["changed"] is True, first.get("msg")

    path = configs / (COMPANY_PID + ".config")
    text = path.read_bytes().decode("ascii")
    written = dict(properties, **secrets, popPassword=EnvRef("LIFERAY_POP_PASSWORD"))
    environ = dict(ENV, LIFERAY_POP_PASSWORD="pop-from-the-environment")
    wrong = mismatches(written, text, environ=environ)
    assert not wrong, "%d values did not read back exactly, first: %r" % (len(wrong), wrong[:3])
    assert run_module(osgi_config, **args)["changed"] is False


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**20])
def test_an_int_liferay_cannot_read_as_a_long_is_refused(number):
    # Liferay's Long.valueOf throws on such a number and the whole file is not installed
    with pytest.raises(OsgiError, match="Java long"):
        encode_value(number)


# --------------------------------------------------------------------------
# The battery can fail: the writer broken on purpose, for the test only
# --------------------------------------------------------------------------


def broken(raw=(), replace=None):
    """escape_string, except that the characters in *raw* are written as they are (or as *replace* says)."""
    original = osgi_codec.escape_string
    replace = replace or {}

    def escape(text):
        return "".join(replace.get(ch, ch) if ch in raw or ch in replace else original(ch) for ch in text)

    return escape


def battery_result(monkeypatch, escape):
    """The mismatches of the string battery with *escape* as the writer's, or the reader's failure."""
    monkeypatch.setattr(osgi_codec, "escape_string", escape)
    attributes = strings(corpus())
    text = render_config(attributes, header=HEADER)
    try:
        return mismatches(attributes, text)
    except (ReaderFailure, ReadProblems) as exc:
        return [("the whole file", None, "%s: %s" % (type(exc).__name__, exc))]


@pytest.mark.parametrize(
    ("escape", "hazard"),
    [
        (broken(raw="${}"), "${x}"),  # '${' reaches the file: Liferay substitutes it
        (broken(raw='"'), '"'),  # the string ends early
        (broken(raw="\\"), "\\"),  # a backslash escapes the next character
        (broken(raw="\n"), "\n"),  # the line ends
        (broken(raw="\r"), "\r"),
        (broken(replace={"\\": "\\\\\\\\"}), "\\"),  # four backslashes: two in the value
    ],
    ids=["dollar-and-braces-raw", "quote-raw", "backslash-raw", "newline-raw", "cr-raw", "4-backslashes"],
)
def test_the_battery_catches_a_broken_writer(monkeypatch, escape, hazard):
    wrong = battery_result(monkeypatch, escape)
    assert wrong, "the battery did not notice the broken writer"
    assert wrong[0][0] == "the whole file" or any(hazard in (value or "") for _name, value, _got in wrong)


def test_a_raw_dollar_brace_is_caught_on_the_values_that_hold_it(monkeypatch):
    """The writer that leaves '$' (and the braces) unescaped: each literal reference is read substituted."""
    monkeypatch.setattr(osgi_codec, "escape_string", broken(raw="${}"))
    values = ["${x}", "${LIFERAY_X}", "pre${LIFERAY_X}post${x}", "${env:LIFERAY_X}", "${}", "plain"]
    read = load(render_config(strings(values)), SYSTEM, ENV)
    assert list(read.values()) == [
        "SYSTEM-x",
        "SYSTEM-LIFERAY_X",
        "preSYSTEM-LIFERAY_XpostSYSTEM-x",
        "SYSTEM-env",
        "",
        "plain",
    ]
    # with the backslash raw too, '${a\}' makes InterpolationUtil loop forever: the file is never installed
    monkeypatch.setattr(osgi_codec, "escape_string", broken(raw="${}\\"))
    with pytest.raises(ReaderFailure):
        load(render_config({"k": "${a\\}"}), SYSTEM, ENV)


@pytest.mark.parametrize(
    "escape",
    [
        broken(raw="$"),
        broken(raw="{}"),
        broken(raw=" "),
        broken(raw="="),
        broken(raw="\t\x0b\x0c\x00\x1f\x7f\x85\u2028\u2029"),
        broken(replace={"\\": "\\\\"}),
    ],
    ids=["dollar-raw", "braces-raw", "space-raw", "equals-raw", "controls-raw", "backslash-as-two"],
)
def test_escapes_the_current_reader_does_not_need(monkeypatch, escape):
    """Mutants the battery rightly lets pass: Liferay's current reader reads them exactly too.

    A raw ``$`` cannot start a reference while ``{`` is escaped (and the other way round: substVars
    looks for the two characters ``${``); inside quotes a space, a ``=`` (the key cannot hold one, so
    the first ``=`` is the separator), a control character other than CR and LF (only those end a line,
    and trimming never reaches inside the quotes) and ``\\\\`` (the interpolator no longer unescapes)
    mean themselves. The writer escapes them anyway, for older readers (see escape_string).
    """
    assert battery_result(monkeypatch, escape) == []


def test_the_module_run_catches_a_broken_writer(monkeypatch, run_module, tmp_path):
    monkeypatch.setattr(osgi_codec, "escape_string", broken(raw="${}"))
    configs = tmp_path / "configs"
    configs.mkdir()
    properties = strings(value for value in HOSTILE if value != "${a\\}")  # that one hangs the reader (above)
    run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, properties=properties)
    text = (configs / (COMPANY_PID + ".config")).read_text(encoding="ascii")
    wrong = {value for _name, value, _got in mismatches(properties, text)}
    assert {"${x}", "${LIFERAY_X}", "${LIFERAY_SMTP_PASSWORD}", "pre${LIFERAY_X}post${x}"} <= wrong
