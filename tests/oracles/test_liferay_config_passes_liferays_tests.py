"""The .config oracle (tests/oracles/liferay_config.py) against Liferay's own unit tests of its reader, then
against what Liferay's code does where no Liferay test says (each case names the code it follows).

Liferay's tests replayed (their reading side; the save/put side tests Liferay's writer):

* ``TypedPropertiesTest`` (liferay/liferay-portal, modules/apps/static/portal-file-install/
  portal-file-install-api/src/test/java/com/liferay/portal/file/install/properties/, commit 78f0e85c);
* ``ConfigurationHandlerTest`` and ``InterpolationUtilTest`` (the same directory, read from the fork
  ling-alan-huang/liferay-portal, commit 099e5fd2: liferay/liferay-portal's copies are not in the index).
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from oracles import liferay_config
from oracles.liferay_config import (
    JavaArray,
    JavaChar,
    JavaCollection,
    ReaderHangs,
    ReaderThrows,
    ReadProblems,
    decode_value,
    java_type,
    load,
    read,
    subst_vars,
)


def typed(value):
    """(Java type, value) all the way down, so that Long(1) and Integer(1) differ."""
    if isinstance(value, list):
        return (java_type(value), [typed(item) for item in value])
    return (java_type(value), value)


# --------------------------------------------------------------------------
# TypedPropertiesTest
# --------------------------------------------------------------------------


def test_typed_properties_test_key_set():
    """testKeySet: two lines give two keys, neither null."""
    values = load('testKey1 = "testValue1"\ntestKey2 = "testValue2"')
    assert list(values) == ["testKey1", "testKey2"]
    assert None not in values.values()


def test_typed_properties_test_load_and_save_substitution():
    """testLoadAndSaveSubstitution: ${testSystemKey} is the system property."""
    assert load('testKey = "${testSystemKey}"', {"testSystemKey": "testSystemValue"}) == {"testKey": "testSystemValue"}


def test_typed_properties_test_load_bad_line():
    """testLoadBadLine: K is no type code: one error 'Unable to parse config line: <line>', no testKey."""
    reading = read('testKey = K"testValue"')
    assert reading.errors == ['Unable to parse config line: testKey = K"testValue"']
    assert reading.values == {}
    assert reading.stopped_at == 1


def test_typed_properties_test_load_env_variable():
    """testLoadEnvVariable: ${LIFERAY_FOO_ENV_VALUE} comes from the environment."""
    env = {"LIFERAY_FOO_ENV_VALUE": "ENV_TEST_VALUE"}
    assert load('testKey="${LIFERAY_FOO_ENV_VALUE}"', environ=env) == {"testKey": "ENV_TEST_VALUE"}


def test_typed_properties_test_load_nonexistent_env_variable():
    """testLoadNonexistentEnvVariable: no key LIFERAY_FOO_ENV_VALUE (and, by InterpolationUtil, testKey is "")."""
    values = load('testKey="${LIFERAY_FOO_ENV_VALUE}"')
    assert "LIFERAY_FOO_ENV_VALUE" not in values
    assert values == {"testKey": ""}


@pytest.mark.parametrize(
    ("test", "text", "expected"),
    [
        ("testLoadNontyped", 'testKey = "testValue"', ("String", "testValue")),
        ("testLoadPutandSaveKeepFormat", 'testKey = \\\n"testValue"', ("String", "testValue")),
        (
            "testLoadPutandSaveMultiline",
            'testKey = [\\\n\t"testValue1",\\\n\t"testValue2"\\\n]',
            ("String[]", [("String", "testValue1"), ("String", "testValue2")]),
        ),
        ("testLoadTyped", 'testKey = I"1"', ("Integer", 1)),
        (
            "testLoadandSaveArray",
            'testKey = ["testValue1", "testValue2"]',
            ("String[]", [("String", "testValue1"), ("String", "testValue2")]),
        ),
        (
            "testLoadandSaveCollection",
            'testKey = ("testValue1", "testValue2")',
            ("ArrayList", [("String", "testValue1"), ("String", "testValue2")]),
        ),
        ("testLoadandSaveEmptyString", 'testKey = ""', ("String", "")),
        ("testLoadandSaveEscapedEquals", 'testKey = "testValue\\=test"', ("String", "testValue=test")),
        (
            "testLoadandStoreMultilineString",
            'testKey = "testValue1,\\\n\ttestValue2"',
            ("String", "testValue1,testValue2"),
        ),
        ("testOverwriteNontypedWithNontyped", 'testKey = "testValue1"', ("String", "testValue1")),
        ("testOverwriteNontypedWithTyped", 'testKey = "1"', ("String", "1")),
        ("testOverwriteTypedWithNontyped", 'testKey = I"1"', ("Integer", 1)),
    ],
)
def test_typed_properties_test_values(test, text, expected):
    """The value each of these TypedPropertiesTest cases reads (or, for the put-and-save ones, must read
    for ``put`` of the same value to keep the layout the test expects)."""
    assert typed(load(text)["testKey"]) == expected, test


def test_typed_properties_test_comment_and_empty_lines():
    """testLoadandSaveComment keeps '#comment' as the header; testLoadandSaveEmptyLines skips empty lines."""
    reading = read('#comment\ntestKey = "testValue"')
    assert (reading.header, reading.values, reading.errors) == ("#comment", {"testKey": "testValue"}, [])
    values = load('\ntestKey1 = "testValue1"\n\ntestKey2 = "testValue2"\n')
    assert values == {"testKey1": "testValue1", "testKey2": "testValue2"}


def test_typed_properties_test_multiple_comments():
    """testLoadandSaveMultipleComments: one error naming both, the value read, '#comment1' kept as header."""
    reading = read('#comment1\n#comment2\ntestKey = "testValue"')
    assert reading.errors == ["Multiple comment lines found: [#comment1, #comment2]"]
    assert reading.values == {"testKey": "testValue"}
    assert reading.header == "#comment1"


def test_typed_properties_test_trailing_comment():
    """testLoadandSaveTrailingComment: one error, the value read, no header."""
    reading = read('testKey = "testValue"\n#comment')
    assert reading.errors == ["Comment must be at beginning of config file: #comment"]
    assert (reading.values, reading.header) == ({"testKey": "testValue"}, None)
    with pytest.raises(ReadProblems):
        load('testKey = "testValue"\n#comment')


def test_typed_properties_test_liferays_own_write_back_reads_back():
    """testOverwriteArray's saved text (what Liferay writes back, CRLF and an array over lines) reads as the array."""
    text = 'testKey=[\\\r\n  "testValue3",\\\r\n  "testValue4"\\\r\n]'
    assert typed(load(text)["testKey"]) == ("String[]", [("String", "testValue3"), ("String", "testValue4")])


# --------------------------------------------------------------------------
# ConfigurationHandlerTest (reading)
# --------------------------------------------------------------------------

STRINGS_1_2 = [("String", "test1"), ("String", "test2")]


@pytest.mark.parametrize(
    ("test", "text", "expected"),
    [
        ("testReadArray", '[\\\r\n  "test1",\\\r\n  "test2",\\\r\n  ]', ("String[]", STRINGS_1_2)),
        ("testReadArrayNoLineBreaks", '["test1", "test2"]', ("String[]", STRINGS_1_2)),
        ("testReadBoolean", 'B"true"', ("Boolean", True)),
        ("testReadBoolean", 'b"true"', ("Boolean", True)),
        ("testReadByte", 'X"1"', ("Byte", 1)),
        ("testReadByte", 'x"1"', ("Byte", 1)),
        ("testReadChar", 'C"A"', ("Character", "A")),
        ("testReadChar", 'c"A"', ("Character", "A")),
        ("testReadCollection", '(\\\r\n  "test1",\\\r\n  "test2",\\\r\n)', ("ArrayList", STRINGS_1_2)),
        ("testReadCollectionNoLineBreaks", '("test1", "test2",)', ("ArrayList", STRINGS_1_2)),
        ("testReadDouble", 'D"12.2"', ("Double", 12.2)),
        ("testReadDouble", 'd"12.2"', ("Double", 12.2)),
        ("testReadDouble", 'D"4623057607486498406"', ("Double", 12.2)),
        ("testReadEmptyCollection", "(\\\r\n)", ("ArrayList", [])),
        ("testReadInteger", 'I"20"', ("Integer", 20)),
        ("testReadInteger", 'i"20"', ("Integer", 20)),
        ("testReadInvalidCollection", "(test)", ("null", None)),
        ("testReadInvalidType", 'Z"test"', ("null", None)),
        ("testReadLong", 'L"30"', ("Long", 30)),
        ("testReadLong", 'l"30"', ("Long", 30)),
        ("testReadShort", 'S"2"', ("Short", 2)),
        ("testReadShort", 's"2"', ("Short", 2)),
        ("testReadSimpleString", '"test"', ("String", "test")),
        ("testReadSpecial", '"\\b\\t\\n\\f\\r\\u002B\\a"', ("String", "\b\t\n\f\r+a")),
        ("testReadString", 'T"test"', ("String", "test")),
        ("testReadStringWithWhitespace", ' \r\n\r"test"', ("String", "test")),
        ("testReadTypedArray", 'I[\\\r\n  "1",\\\r\n  "2",\\\r\n  ]', ("Integer[]", [("Integer", 1), ("Integer", 2)])),
        (
            "testReadTypedCollection",
            'I(\\\r\n  "1",\\\r\n  "2",\\\r\n)',
            ("ArrayList", [("Integer", 1), ("Integer", 2)]),
        ),
    ],
)
def test_configuration_handler_test_read(test, text, expected):
    assert typed(decode_value(text)) == expected, test


@pytest.mark.parametrize("text", ['F"12.2"', 'f"12.2"', 'F"1094923059"'], ids=["F", "f", "int-bits"])
def test_configuration_handler_test_read_float(text):
    """testReadFloat: 12.2F (as a float, not the double 12.2)."""
    value = decode_value(text)
    assert java_type(value) == "Float"
    assert math.isclose(value, 12.2, rel_tol=1e-7) and value != 12.2


@pytest.mark.parametrize(
    ("test", "written", "expected"),
    [
        ("testWriteArray", '[\\\r\n  "test1",\\\r\n  "test2"\\\r\n]', ("String[]", STRINGS_1_2)),
        ("testWriteBlank", '""', ("String", "")),
        ("testWriteBoolean", 'B"true"', ("Boolean", True)),
        ("testWriteByte", 'X"1"', ("Byte", 1)),
        ("testWriteChar", 'C"A"', ("Character", "A")),
        ("testWriteCollection", '(\\\r\n  "test1",\\\r\n  "test2"\\\r\n)', ("ArrayList", STRINGS_1_2)),
        ("testWriteDouble", 'D"12.2"', ("Double", 12.2)),
        ("testWriteEmptyArray", "[\\\r\n]", ("String[]", [])),
        ("testWriteEmptyCollection", "(\\\r\n)", ("ArrayList", [])),
        # testWriteEscaped: each character Liferay's writer escapes (written as \X) reads back
        *(
            ("testWriteEscaped", '"\\%s"' % code, ("String", char))
            for code, char in zip('{\\=" }btnfr', '{\\=" }\b\t\n\f\r', strict=True)
        ),
        ("testWriteEscaped", 'C"\\u001f"', ("Character", "\x1f")),
        ("testWriteInteger", 'I"20"', ("Integer", 20)),
        ("testWriteLong", 'L"30"', ("Long", 30)),
        ("testWriteShort", 'S"2"', ("Short", 2)),
        ("testWriteString", '"test"', ("String", "test")),
        ("testWriteTypedArray", 'B[\\\r\n  "true"\\\r\n]', ("Boolean[]", [("Boolean", True)])),
        (
            "testWriteTypedCollection",
            'I(\\\r\n  "1",\\\r\n  "2"\\\r\n)',
            ("ArrayList", [("Integer", 1), ("Integer", 2)]),
        ),
    ],
)
def test_configuration_handler_test_what_liferays_writer_writes_reads_back(test, written, expected):
    """The expected outputs of the testWrite* cases (Liferay's own writer) read back as the value written."""
    assert typed(decode_value(written)) == expected, test


# --------------------------------------------------------------------------
# InterpolationUtilTest
# --------------------------------------------------------------------------

SYSTEM = {"testSystemKey": "testSystemValue", "testSystemKey2": "testSystemKey"}


@pytest.mark.parametrize(
    ("test", "value", "expected"),
    [
        ("testBlank", "${testSystemKeyNonexistent}", ""),
        ("testExtraCloseBrace", "${testSystemKey}}", "testSystemValue}"),
        ("testInlineSubstitution", "test${testSystemKey}test", "testtestSystemValuetest"),
        ("testMultipleSubstitution", "${testSystemKey}${testSystemKey}", "testSystemValuetestSystemValue"),
        ("testNestedSub", "${${testSystemKey2}}", "testSystemValue"),
        ("testSubstitution", "${testSystemKey}", "testSystemValue"),
    ],
)
def test_interpolation_util_test(test, value, expected):
    assert subst_vars(value, SYSTEM, {}) == expected, test


# --------------------------------------------------------------------------
# What Liferay's code does where its tests say nothing
# --------------------------------------------------------------------------


def test_the_environment_is_asked_only_for_liferay_names_and_a_system_property_wins():
    """InterpolationUtil: SystemProperties.get(name), else System.getenv(name) only for LIFERAY_ names."""
    env = {"LIFERAY_A": "a", "SMTP_PASSWORD": "b", "env:SMTP_PASSWORD": "c"}
    assert subst_vars("${LIFERAY_A}", {}, env) == "a"
    assert subst_vars("${SMTP_PASSWORD}", {}, env) == ""
    assert subst_vars("${env:SMTP_PASSWORD}", {}, env) == ""
    assert subst_vars("${env:LIFERAY_A}", {}, env) == ""
    assert subst_vars("${}", {}, env) == ""
    assert subst_vars("${LIFERAY_A}", {"LIFERAY_A": "from -D"}, env) == "from -D"
    assert subst_vars("${x}", {"x": "${LIFERAY_A}"}, env) == "a"  # substituted again


def test_substitution_runs_on_the_raw_text_before_any_unescaping():
    env = {"LIFERAY_X": "from-env"}
    assert load('a="\\u0024{LIFERAY_X}"', {}, env) == {"a": "${LIFERAY_X}"}  # decoded after the substitution
    assert load('a="$\\{LIFERAY_X\\}"', {}, env) == {"a": "${LIFERAY_X}"}  # Liferay's own writer's form
    assert load('a="$${LIFERAY_X}"', {}, env) == {"a": "$from-env"}  # no escape for $ in this reader
    # the backslash stays in the raw text and escapes the value's first character (\f, a form feed)
    assert load('a="\\${LIFERAY_X}"', {}, env) == {"a": "\x0crom-env"}
    assert load('a="${LIFERAY_X}"', {}, env) == {"a": "from-env"}


def test_a_substituted_value_is_parsed_as_config_text():
    """The value is substituted into the raw text: quotes end the string, escapes are decoded, structure too."""
    assert load('a="${X}"', {"X": 'say "hi"'}) == {"a": "say "}
    assert load('a="${X}"', {"X": "back\\slash\\u0041"}) == {"a": "backslashA"}
    assert typed(load("a=[${X}]", {"X": '"p","q"'})["a"]) == ("String[]", [("String", "p"), ("String", "q")])


def test_an_escaped_closing_brace_makes_the_search_loop_forever():
    """substVars: a '}' after '\\' moves the stop past the end, then back to the first '}'..."""
    with pytest.raises(ReaderHangs):
        subst_vars("${a\\}", {}, {})
    with pytest.raises(ReaderHangs):
        read('k="${a\\}"')
    assert subst_vars("${a\\}b}", {"a\\}b": "x"}, {}) == "x"  # a later '}' ends it


def test_a_reference_that_comes_back_overflows_the_stack():
    with pytest.raises(ReaderThrows, match="StackOverflowError"):
        subst_vars("${x}", {"x": "${x}"}, {})
    with pytest.raises(ReaderThrows, match="StackOverflowError"):
        subst_vars("${x}", {"x": "a${x}"}, {})  # grows forever


@pytest.mark.parametrize(
    "text",
    ['a="1"\r\nb="2"\r\n', 'a="1"\rb="2"\r', 'a="1"\nb="2"', 'a="1"\r\n\rb="2"\n\n'],
    ids=["CRLF", "CR", "LF", "mixed"],
)
def test_lines_end_with_lf_cr_or_crlf(text):
    """BufferedReader.readLine."""
    assert load(text) == {"a": "1", "b": "2"}


def test_continued_lines_are_trimmed_and_joined_and_skip_comments_and_empty_lines():
    """_readProperty: a comment or an empty line inside a continued line is skipped, not the end of it."""
    text = '# header\na = [\\\n  "x",\\\n\n# not the end\n   "y" \\\n]\nb="2"'
    reading = read(text)
    assert typed(reading.values["a"]) == ("String[]", [("String", "x"), ("String", "y")])
    assert reading.values["b"] == "2"
    assert reading.errors == ["Multiple comment lines found: [# header, # not the end]"]
    assert load('s="a\\\n   b"') == {"s": "ab"}  # the pieces are trimmed: the spaces go


def test_the_first_line_that_does_not_parse_ends_the_reading():
    reading = read('a="1"\nb = unquoted\nc="3"\n')
    assert reading.values == {"a": "1"}  # c is dropped
    assert reading.stopped_at == 2
    assert reading.errors == ["Unable to parse config line: b = unquoted"]
    with pytest.raises(ReadProblems) as info:
        load('a="1"\nsecret="x" trailing\nc="3"\n')
    assert "line 2" in str(info.value) and "secret" not in str(info.value)  # names lines, never content


@pytest.mark.parametrize(
    "line",
    ['has space="x"', 'ü="x"', 'k:"x"', 'k="x', "k=x", "k=", '="x"', 'k="x" junk', 'k="a"b'],
)
def test_lines_the_pattern_refuses(line):
    assert read(line + '\nlater="1"').stopped_at == 1


def test_a_backslash_alone_continues_into_the_next_line():
    assert load('\\\nlater="1"') == {"later": "1"}


def test_a_line_still_continued_at_the_end_is_dropped_silently():
    reading = read('a="1"\nb="2"\\')
    assert (reading.values, reading.errors) == ({"a": "1"}, [])


def test_a_line_of_whitespace_only_makes_the_reader_throw():
    """_isCommentLine: "".charAt(0) on the trimmed line: the file is not installed at all."""
    for blank in (" ", "\t", "  \t ", "\x00", "\x1f"):
        with pytest.raises(ReaderThrows, match="StringIndexOutOfBoundsException"):
            read('a="1"\n%s\nb="2"\n' % blank)


def test_a_key_given_twice_keeps_its_place_and_its_last_value():
    assert list(load('a="1"\nb="2"\na="3"').items()) == [("a", "3"), ("b", "2")]


def test_spaces_around_the_equals_sign_and_the_value_are_trimmed():
    assert load('  key.with-all_chars.09  =   B"true"   ') == {"key.with-all_chars.09": True}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"abc\\"', ("String", 'abc"')),  # the escaped quote is the last character: the string runs to the end
        ('"a"b"', ("String", "a")),  # what follows the closing quote is never read
        ('"a\\', ("String", "a\uffff")),  # a backslash at the end: (char) -1
        ('"a\\u12', ("String", "a")),  # a \u with fewer than four characters: nothing
        ('"\\u+041\\u-001\\u\u0660\u0660\u0664\u0661"', ("String", "A\uffffA")),  # Integer.parseInt(…, 16)
        ('"\\ud83d\\ude00 \U0001f600"', ("String", "\U0001f600 \U0001f600")),  # UTF-16 surrogates
        ('"\\udc00"', ("String", "\udc00")),  # a lone surrogate stays
        ('C"\U0001f600"', ("Character", "\ud83d")),  # charAt(0) of a UTF-16 string
        ('C""', ("null", None)),
        ('B"TRUE"', ("Boolean", True)),
        ('B"yes"', ("Boolean", False)),  # Boolean.valueOf: anything but true is false
        ('L"-9223372036854775808"', ("Long", -(2**63))),
        ('L"+\u0661\u0662"', ("Long", 12)),  # Long.valueOf takes any Unicode digit
        ('{"x"}', ("null", None)),  # the pattern allows {…}, ConfigurationHandler reads nothing
        ('["a"\u3000,\u3000"b"]', ("String[]", [("String", "a"), ("String", "b")])),  # Character.isWhitespace
        ('["a"\u00a0,"b"]', ("null", None)),  # a no-break space is not whitespace to Java
        ('[,"a",,]', ("String[]", [("String", "a")])),
        ('i("1")', ("ArrayList", [("Integer", 1)])),
    ],
)
def test_typed_values_as_configuration_handler_reads_them(text, expected):
    assert typed(decode_value(text)) == expected


@pytest.mark.parametrize(
    ("text", "exception"),
    [
        ('"\\uZZZZ"', "NumberFormatException"),
        ('L"9223372036854775808"', "NumberFormatException"),
        ('X"128"', "NumberFormatException"),
        ('I"1_000"', "NumberFormatException"),
        ('I" 1"', "NumberFormatException"),
        ('L""', "NumberFormatException"),
        ('D"1e5"', "NumberFormatException"),  # no '.': GetterUtil.getLongStrict
        ('i["1"]', "NullPointerException"),  # a lower-case type code for an array: no component type
    ],
)
def test_values_that_make_the_reader_throw(text, exception):
    with pytest.raises(ReaderThrows, match=exception):
        read("k=" + text)


def test_a_null_value_is_read_but_not_clean():
    reading = read('a={"x"}\nb="2"')
    assert reading.values == {"a": None, "b": "2"}
    with pytest.raises(ReadProblems, match="null values for a"):
        load('a={"x"}\nb="2"')


def test_a_file_is_read_as_utf_8_with_bad_bytes_replaced_and_a_bom_kept(tmp_path):
    path = tmp_path / "x.config"
    path.write_bytes(b'a="Zo\xc3\xab \xff"\n')
    assert liferay_config.load_file(path) == {"a": "Zo\u00eb \ufffd"}
    path.write_bytes(b'\xef\xbb\xbfa="1"\n')
    assert liferay_config.read_file(path).stopped_at == 1  # the BOM is part of the first key


def test_java_types_are_kept_apart():
    values = load('l=L"1"\ni=I"1"\ns="1"\nb=B"true"\nc=C"1"\narr=L["1"]\ncol=L("1")')
    assert {key: java_type(value) for key, value in values.items()} == {
        "l": "Long",
        "i": "Integer",
        "s": "String",
        "b": "Boolean",
        "c": "Character",
        "arr": "Long[]",
        "col": "ArrayList",
    }
    assert isinstance(values["arr"], JavaArray) and isinstance(values["col"], JavaCollection)
    assert isinstance(values["c"], JavaChar)


def test_the_oracle_imports_nothing_from_the_collection():
    source = Path(liferay_config.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported <= {"__future__", "re", "struct", "unicodedata", "dataclasses", "pathlib"}, imported
