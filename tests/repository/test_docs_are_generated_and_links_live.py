"""The documentation: meta/argument_specs.yml, defaults/main.yml and docs/variables.md are what
tools/render_role.py renders from the table of the role's variables, they agree with each other, the README
stays short and no relative link in README.md or docs/*.md is dead."""

from __future__ import annotations

import importlib.util
import re

import pytest
import yaml
from harness import ROOT

ROLE = ROOT / "roles/mail_session"
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_LINES = 300


def load_tool():
    spec = importlib.util.spec_from_file_location("render_role", ROOT / "tools/render_role.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def argument_specs():
    return yaml.safe_load((ROLE / "meta/argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]


def role_defaults():
    return yaml.safe_load((ROLE / "defaults/main.yml").read_text(encoding="utf-8")) or {}


@pytest.mark.parametrize("name", ["argument_specs.yml", "main.yml", "variables.md"])
def test_rendered_files_are_what_the_table_renders_now(name):
    tool = load_tool()
    [(path, rendered)] = [(path, text) for path, text in tool.outputs().items() if path.name == name]
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    assert current == rendered, "%s is out of date: run `make generate`" % path.relative_to(ROOT)


def test_the_table_names_each_variable_once_with_a_group_and_a_description():
    table = load_tool().load_table()
    names = [setting.name for setting in table.SETTINGS]
    assert len(names) == len(set(names))
    for setting in table.SETTINGS:
        assert setting.group in table.GROUPS, setting.name
        assert setting.description and all(setting.description), setting.name
        assert setting.type in ("str", "int", "float", "bool", "list", "dict", "path", "raw"), setting.name
        if setting.choices and setting.default is not None and not setting.required:
            assert setting.default in setting.choices, setting.name


def test_variables_md_names_every_variable_and_entry_point():
    text = (ROOT / "docs/variables.md").read_text(encoding="utf-8")
    specs = argument_specs()
    for entry in specs:
        assert "`%s`" % entry in text, entry
    for name in specs["main"]["options"]:
        assert "| `%s` |" % name in text, "%s is not in docs/variables.md" % name


def test_entry_points_share_the_options():
    specs = argument_specs()
    for entry, spec in specs.items():
        assert spec["options"] == specs["main"]["options"], "entry point %s declares other options" % entry


def test_every_default_is_declared_with_type_description_and_the_same_default():
    options = argument_specs()["main"]["options"]
    for name, value in role_defaults().items():
        assert name in options, "%s has a default in defaults/main.yml but no argument spec" % name
        spec = options[name]
        assert spec.get("type"), "%s: the argument spec has no type" % name
        assert spec.get("description"), "%s: the argument spec has no description" % name
        # after YAML load; a templated default ("{{ mail_session_liferay_home }}/...") is a string on both
        # sides, and a variable without a value (null in defaults/main.yml) has no default in the specs
        declared = spec.get("default")
        assert declared == value and type(declared) is type(value), (
            "%s: defaults/main.yml has %r, meta/argument_specs.yml has %r" % (name, value, declared)
        )


def test_every_argument_spec_has_a_default_or_is_documented_as_having_none():
    defaults = role_defaults()
    for name, spec in argument_specs()["main"]["options"].items():
        assert name.startswith("mail_session_"), name
        assert spec.get("type") and spec.get("description"), name
        if name in defaults:
            continue
        # docs/variables.md shows "required" for these; Ansible allows no default for a required option
        assert spec.get("required") is True, (
            "%s has no default in defaults/main.yml and is not required: add it there (empty for unset) "
            "or mark it required in meta/argument_specs.yml" % name
        )
        assert "default" not in spec, "%s is required but declares a default" % name


def test_readme_is_short():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines < README_MAX_LINES, "README.md has %d lines; move details into docs/" % lines


FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


def relative_links(text: str) -> list[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", text))
    links = INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text) + HTML_LINK.findall(text)
    return [link for link in links if not EXTERNAL.match(link)]


def test_link_finder_sees_links_and_skips_code_and_urls():
    text = (
        "[a](docs/a.md) [b](b.md#x 'title') ![c](img/c.png) [d](https://example.com) [e](#here)\n"
        '`[f](f.md)` and ``[f2](f2.md)``\n```sh\n[h](h.md)\n```\n<a href="i.md">i</a> [j](mailto:x@example.com)\n'
        "[g]: g.md\n"
    )
    assert sorted(relative_links(text)) == ["b.md#x", "docs/a.md", "g.md", "i.md", "img/c.png"]


@pytest.mark.parametrize("document", [README, *DOCS], ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file(document):
    dead = []
    for link in relative_links(document.read_text(encoding="utf-8")):
        path = link.split("#", 1)[0].split("?", 1)[0]
        if path and not (document.parent / path).exists():
            dead.append(link)
    assert not dead, "%s links to missing files: %s" % (document.relative_to(ROOT), ", ".join(dead))
