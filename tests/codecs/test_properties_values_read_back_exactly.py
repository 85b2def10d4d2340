"""Every value the codec writes reads back identically through the real Commons Configuration 1.10.

The corpus (tests/harness/properties_corpus.py) is generated (seeded, so a failure is reproducible)
and covers each character class Liferay's parser treats specially: commas, backslashes, ``${``,
``$``, leading and trailing whitespace, control characters, non-ASCII (BMP and astral), comment
and separator characters, and look-alike escape text.
"""

from __future__ import annotations

import pytest
from harness.properties_corpus import SPECIAL, corpus, storable

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import (
    PropertiesDocument,
    PropertiesError,
    decode_value,
    encode_value,
)


def test_corpus_is_big_and_covers_every_class():
    values = corpus()
    assert len(values) >= 1000
    for needle in SPECIAL:
        assert any(needle in value for value in values), needle


def test_every_storable_value_round_trips_through_commons_configuration(tmp_path, commons_configuration):
    values = [value for value in corpus() if storable(value)]
    assert len(values) >= 1000
    text = "".join("k%d=%s\n" % (index, encode_value(value)) for index, value in enumerate(values))
    path = tmp_path / "portal-ext.properties"
    path.write_bytes(text.encode("ascii"))  # the encoder writes pure ASCII
    read = commons_configuration(path)
    mismatches = []
    for index, value in enumerate(values):
        key = "k%d" % index
        got = read.get(key)
        if got != (value, value):
            mismatches.append((key, value, encode_value(value), got))
    assert not mismatches, "%d values did not round-trip, first: %r" % (len(mismatches), mismatches[:3])


def test_python_decoder_agrees_with_the_jar_on_what_it_reads(tmp_path, commons_configuration):
    """decode_value (used for the module's self-check) mirrors the jar, including on raw text
    that the encoder would never write (unescaped commas, lone escapes, lists)."""
    raws = [
        "a,b",
        " a , b ",
        "x\\,y",
        "\\\\,",
        "a\\\\\\\\,b",
        "$${x}",
        "a,$${x}",
        "\\q",
        "\\t\\n",
        "\\u00e9,\\u00e8",
        ",lead",
        "a,,b",
        "v\\,",
        "x\\\\",
    ]
    path = tmp_path / "raw.properties"
    path.write_text("".join("r%d=%s\n" % (i, raw) for i, raw in enumerate(raws)), encoding="utf-8")
    read = commons_configuration(path)
    for index, raw in enumerate(raws):
        assert decode_value(raw) == read["r%d" % index][0], raw


def test_unstorable_values_are_refused_and_really_cannot_be_stored(tmp_path, commons_configuration):
    bad = [value for value in corpus() if not storable(value)]
    assert bad, "the corpus must contain values with a comma and outer whitespace"
    for value in bad:
        with pytest.raises(PropertiesError) as info:
            encode_value(value)
        assert value not in str(info.value) or value in (",",)
    # the best attempt (escape everything) still loses the outer characters in the jar
    attempt = "k=\\u0020a\\,b\\u0020\n"
    path = tmp_path / "bad.properties"
    path.write_text(attempt, encoding="ascii")
    assert commons_configuration(path)["k"][0] == "a,b"


def test_duplicates_become_a_list_in_the_jar_and_in_our_reader(tmp_path, commons_configuration):
    text = "mail.session.mail.smtp.host=one\nmail.session.mail.smtp.host=two\n"
    path = tmp_path / "dup.properties"
    path.write_text(text, encoding="ascii")
    assert commons_configuration(path)["mail.session.mail.smtp.host"][0] == "one,two"
    assert PropertiesDocument(text).values()["mail.session.mail.smtp.host"] == "one,two"


def test_document_edit_reads_back_in_the_jar(tmp_path, commons_configuration):
    """A hand-written file edited by PropertiesDocument reads back as requested, other keys intact."""
    original = (
        "# JDBC\njdbc.default.url=jdbc:postgresql://db/lportal\n"
        "mail.session.mail.smtp.host : old.example.com\n"
        "company.default.name = Acme, Inc.\n"
        "long.value=one \\\n    two\n"
    )
    before = commons_configuration(_write(tmp_path / "a.properties", original))
    document = PropertiesDocument(original)
    wanted = {
        "mail.session.mail.smtp.host": "smtp.example.com",
        "mail.session.mail.smtp.password": " p,a\\ss${x} ".strip(),
    }
    document.apply(wanted)
    after = commons_configuration(_write(tmp_path / "b.properties", document.text()))
    for key, value in wanted.items():
        assert after[key][0] == value
    for key in ("jdbc.default.url", "company.default.name", "long.value"):
        assert after[key] == before[key]


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path
