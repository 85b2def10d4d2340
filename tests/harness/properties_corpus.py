"""The seeded corpus of portal property values (no pytest in here): every character class Liferay's
parser (Commons Configuration 1.10) treats specially, for the codec's round trips through the real
parser, in portal-ext.properties and in LIFERAY_* variables.
"""

from __future__ import annotations

import random

# every character class the parser treats specially, each in the corpus on its own and in random strings
SPECIAL = [
    ",",
    "\\",
    "${",
    "$",
    "}",
    "{",
    " ",
    "\t",
    "\n",
    "\r",
    "\f",
    "\b",
    "\x00",
    "\x1f",
    "\x7f",
    "#",
    "!",
    "=",
    ":",
    '"',
    "'",
    "\\u",
    "\\,",
    "$${",
    "é",
    "ß",
    "中",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\U0001f600",
    "\U00010348",
    "\\n",
    "%",
    "&",
    "<",
    ">",
]
ALPHABET = "abcXYZ019._-@/+"


def corpus(size=1500, seed=20261121):
    """The hand-picked values, SPECIAL, then random strings of SPECIAL and ALPHABET up to *size* values."""
    rng = random.Random(seed)
    values = [
        "",
        " ",
        "  ",
        ",",
        "a,b",
        "a, b",
        "\\",
        "\\\\",
        "${x}",
        "$${x}",
        "$$",
        "x$",
        "${",
        " lead",
        "trail ",
        " both ",
        "\tleading tab",
        "trailing tab\t",
        "#not a comment",
        "!bang",
        "=eq",
        ":colon",
        "key=value",
        "\\u0041",
        "\\uZZZZ",
        "a\\",
        ",start",
        "end,",
        "p@ss,w\\rd${HOME}",
        "${env:SMTP_PASSWORD}",
        "€ non-ascii ✓",
        "😀",
        "\x00",
        "\x7f",
    ]
    values += SPECIAL
    while len(values) < size:
        pieces = [
            rng.choice(SPECIAL) if rng.random() < 0.4 else rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))
        ]
        values.append("".join(pieces))
    return values


def storable(value):
    """Whether Commons Configuration can hold *value* exactly: a comma splits a value into a list whose
    elements it trims, so a value with a comma must not start or end with a character up to U+0020."""
    return "," not in value or (value[0] > " " and value[-1] > " ")
