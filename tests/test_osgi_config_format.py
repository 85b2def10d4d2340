"""The .config encoder against a parser written here from the format's rules, not from the encoder.

The parser follows the reading chain of Liferay's file installer (see
module_utils/liferay_osgi.py for the sources): the file is split into ``key=value``
lines; ``${...}`` references are resolved on the *raw* value text (``${LIFERAY_NAME}`` from
the environment, anything else empty here: no system properties); only then the typed
value is decoded (``"..."`` with ``\\b \\t \\n \\f \\r \\uXXXX`` escapes and any other
``\\X`` read as ``X``; ``B"true"``; ``L"1"``; ``["a","b"]``). The older interpolator Liferay
ported from Apache Felix also stripped a backslash before ``\\``, ``{`` and ``}`` on the raw
text (the current ``InterpolationUtil`` does not), so every value is read both ways and must
come back identical. tests/test_osgi_env_reference.py follows ``InterpolationUtil`` step by step.
"""

from __future__ import annotations

import random
import re

import pytest
from ansible.module_utils.liferay_osgi import (
    EnvRef,
    OsgiError,
    encode_value,
    escape_string,
    render_config,
)

# --------------------------------------------------------------------------
# the independent reader
# --------------------------------------------------------------------------

# Liferay reads only LIFERAY_* names from the environment; SMTP_PASSWORD is there to show it is not read
ENV = {"LIFERAY_SMTP_PASSWORD": "from-the-environment", "SMTP_PASSWORD": "never-read"}


def felix_unescape(raw):
    """Apache Felix InterpolationHelper.unescape: drop a backslash before '{', '}' or '\\'."""
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in "{}\\":
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def interpolate(raw, felix):
    """Resolve ${LIFERAY_NAME} from ENV on the raw text; everything else (${env:NAME} too) becomes empty."""

    def replace(match):
        name = match.group(1)
        if name.startswith("LIFERAY_"):
            return ENV.get(name, "")
        return ""

    text = re.sub(r"\$\{([^{}]*)\}", replace, raw)
    return felix_unescape(text) if felix else text


def read_quoted(text, i):
    """From just after an opening quote to the closing one: (string, index after the quote)."""
    out = []
    while True:
        if i >= len(text):
            raise ValueError("unterminated string")
        ch = text[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\":
            nxt = text[i + 1]
            if nxt == "u":
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append({"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1


def utf16_join(text):
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def read_value(text):
    i = 0
    kind = None
    if text[0] in "BLIT":
        kind = text[0]
        i = 1
    if text[i] == "[":
        items = []
        i += 1
        while text[i] != "]":
            if text[i] == ",":
                i += 1
            assert text[i] == '"', text
            item, i = read_quoted(text, i + 1)
            items.append(utf16_join(item))
        assert i == len(text) - 1, "text after the array"
        return items
    assert text[i] == '"', text
    value, end = read_quoted(text, i + 1)
    assert end == len(text), "text after the closing quote: %r" % text
    value = utf16_join(value)
    if kind == "B":
        return value == "true"
    if kind in ("L", "I"):
        return int(value)
    return value


def read_config(text, felix):
    values, comments = {}, 0
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("#"):
            comments += 1
            assert not values, "comment after an attribute"
            continue
        assert not line.endswith("\\"), "a line that Liferay would continue"
        key, raw = line.split("=", 1)
        assert re.fullmatch(r"[0-9A-Za-z_.\-]+", key)
        values[key] = read_value(interpolate(raw, felix))
    assert comments <= 1
    return values


# --------------------------------------------------------------------------
# a corpus of tricky values
# --------------------------------------------------------------------------

SPECIAL = [
    '"',
    "=",
    " ",
    "\\",
    "$",
    "${",
    "${x}",
    "${env:SMTP_PASSWORD}",
    "${LIFERAY_SMTP_PASSWORD}",
    "$${",
    "{",
    "}",
    "\\u0041",
    "\\n",
    "\\\\",
    "\\{",
    "\\}",
    "\t",
    "\n",
    "\r",
    "\f",
    "\b",
    "\x00",
    "\x1f",
    "\x7f",
    "#",
    "[",
    "]",
    ",",
    "(",
    ")",
    "é",
    "ß",
    "中",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\U0001f600",
    "\U00010348",
    'B"true"',
    'L"1"',
]
ALPHABET = "abcXYZ019._-@/+:;!?"


def corpus(size=1200, seed=20261122):
    rng = random.Random(seed)
    values = ["", " ", "  lead", "trail  ", "a b c", 'p@ss=w\\rd${HOME}"x"', "${LIFERAY_SMTP_PASSWORD}", "\\"]
    values += SPECIAL
    while len(values) < size:
        values.append(
            "".join(
                rng.choice(SPECIAL) if rng.random() < 0.45 else rng.choice(ALPHABET) for _ in range(rng.randint(1, 14))
            )
        )
    return values


def test_corpus_is_big_and_covers_every_class():
    values = corpus()
    assert len(values) >= 1000
    for needle in SPECIAL:
        assert any(needle in value for value in values), needle


@pytest.mark.parametrize("felix", [False, True], ids=["plain-interpolator", "felix-unescaping-interpolator"])
def test_every_string_round_trips_through_the_reader(felix):
    values = corpus()
    attributes = {"k%04d" % index: value for index, value in enumerate(values)}
    text = render_config(attributes, header="Managed by Ansible")
    read = read_config(text, felix)
    mismatches = [(key, value, read.get(key)) for key, value in attributes.items() if read.get(key) != value]
    assert not mismatches, "%d values did not round-trip, first: %r" % (len(mismatches), mismatches[:3])


@pytest.mark.parametrize("felix", [False, True], ids=["plain-interpolator", "felix-unescaping-interpolator"])
def test_arrays_booleans_and_longs_round_trip(felix):
    rng = random.Random(7)
    values = corpus(300, seed=99)
    attributes = {}
    for index in range(100):
        attributes["list%03d" % index] = rng.sample(values, rng.randint(0, 5))
    attributes.update({"yes": True, "no": False, "companyId": 20097, "big": 2**62, "negative": -1})
    read = read_config(render_config(attributes), felix)
    assert read == attributes


def test_the_raw_file_is_ascii_one_equals_per_line_and_never_holds_an_interpolation():
    values = corpus()
    text = render_config({"k%04d" % i: v for i, v in enumerate(values)}, header="h")
    text.encode("ascii")
    for line in text.splitlines()[1:]:
        assert line.count("=") == 1, line
        assert "$" not in line and "{" not in line and "}" not in line, line
        assert not line.endswith("\\")
        assert line.endswith('"')


def test_literal_dollar_brace_is_not_interpolated_but_an_env_reference_is():
    text = render_config({"literal": "${LIFERAY_SMTP_PASSWORD}", "reference": EnvRef("LIFERAY_SMTP_PASSWORD")})
    assert 'reference="${LIFERAY_SMTP_PASSWORD}"' in text
    assert 'literal="\\u0024\\u007bLIFERAY_SMTP_PASSWORD\\u007d"' in text
    for felix in (False, True):
        read = read_config(text, felix)
        assert read["literal"] == "${LIFERAY_SMTP_PASSWORD}"
        assert read["reference"] == "from-the-environment"


def test_felix_style_escapes_would_be_misread_which_is_why_they_are_not_written():
    """Premise check: the naive Felix writer's escapes do not survive a Felix-unescaping interpolator."""
    naive = '"a\\\\b"'  # Felix's writer: backslash as \\ -> means a\b
    assert read_value(interpolate(naive, felix=False)) == "a\\b"
    assert read_value(interpolate(naive, felix=True)) == "a\b"  # "\\b" became a backspace
    ours = encode_value("a\\b")
    assert read_value(interpolate(ours, felix=False)) == read_value(interpolate(ours, felix=True)) == "a\\b"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", '"plain"'),
        ("two words", '"two\\ words"'),
        ('say "hi"', '"say\\ \\"hi\\""'),
        ("a=b", '"a\\u003db"'),
        ("C:\\dir", '"C:\\u005cdir"'),
        ("${x}", '"\\u0024\\u007bx\\u007d"'),
        ("tab\there", '"tab\\there"'),
        ("Zoë", '"Zo\\u00eb"'),
        ("😀", '"\\ud83d\\ude00"'),
        (True, 'B"true"'),
        (False, 'B"false"'),
        (20097, 'L"20097"'),
        (["a", "b c"], '["a","b\\ c"]'),
        ([], "[]"),
        (EnvRef("LIFERAY_SMTP_PASSWORD"), '"${LIFERAY_SMTP_PASSWORD}"'),
        ([EnvRef("LIFERAY_A"), "b"], '["${LIFERAY_A}","b"]'),
    ],
)
def test_exact_encodings(value, expected):
    assert encode_value(value) == expected


def test_ports_are_written_as_strings_when_given_as_strings():
    assert encode_value("587") == '"587"'


@pytest.mark.parametrize("bad", [1.5, None, {"a": 1}, [1]])
def test_unsupported_values_are_refused(bad):
    with pytest.raises(OsgiError):
        encode_value(bad)


@pytest.mark.parametrize(
    "name", ["1BAD", "has space", "ünïcode", "", "a$b", "SMTP_PASSWORD", "LIFERAY_", "liferay_x", "env:LIFERAY_X"]
)
def test_bad_env_names_are_refused(name):
    with pytest.raises(OsgiError):
        EnvRef(name)


@pytest.mark.parametrize("key", ["has space", "semi;colon", "", "a=b", "ü"])
def test_attribute_names_liferay_cannot_read_are_refused(key):
    with pytest.raises(OsgiError):
        render_config({key: "x"})


def test_header_is_a_single_comment_line_and_optional():
    assert render_config({"a": "1"}, header="Managed by Ansible").splitlines()[0] == "# Managed by Ansible"
    assert render_config({"a": "1"}).splitlines() == ['a="1"']
    with pytest.raises(OsgiError):
        render_config({"a": "1"}, header="two\nlines")


def test_escape_string_output_has_no_raw_specials():
    for value in corpus(400):
        escaped = escape_string(value)
        assert not re.search(r'(?<!\\)"', escaped)
        assert not set(escaped) & set("${}=")


def test_the_modules_reader_flags_what_liferay_would_complain_about():
    from ansible.module_utils.liferay_osgi import Interpolated, parse_config

    values, problems = parse_config('# one\n# two\na="x\\\\y"\nb=K"bad"\nc="${env:X}-\\u0024{y}"\nd=L"5"\n')
    assert any("comment lines" in p for p in problems)
    assert any("backslash" in p for p in problems)
    assert any(p.startswith("line 4: b") or "b:" in p for p in problems) or "b" not in values
    assert values["c"] == Interpolated((("ref", "env:X"), ("lit", "-${y}")))
    assert any(p.startswith("line 5: c uses ${env:NAME}") for p in problems)
    assert values["d"] == 5
    values, problems = parse_config('a="${LIFERAY_X}"\nb=["${LIFERAY_Y}","${env:Z}"]\n')
    assert values["a"] == Interpolated((("ref", "LIFERAY_X"),))
    assert len(problems) == 1
    assert problems[0].startswith("line 2: b uses ${env:NAME}, which Liferay DXP 2025.Q4+ / Portal 2026 reads as")
