#!/usr/bin/env python3
"""Render the role's variable files from the table of its variables.

plugins/module_utils/liferay/settings_table.py is the one definition of the role's variables. This script
writes from it:

- roles/mail_session/meta/argument_specs.yml - what Ansible checks before the role runs and what
  `ansible-doc -t role liferay_ops.mail.mail_session` shows;
- roles/mail_session/defaults/main.yml - the defaults, each with the first sentence of its description;
- docs/variables.md - the same as Markdown tables, one section per group.

    python tools/render_role.py           # write the three files (make generate)
    python tools/render_role.py --check   # exit 1 when one of them is not what this renders

tests/repository/test_docs_are_generated_and_links_live.py runs the check.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "plugins/module_utils/liferay/settings_table.py"
SPECS = ROOT / "roles/mail_session/meta/argument_specs.yml"
DEFAULTS = ROOT / "roles/mail_session/defaults/main.yml"
OUTPUT = ROOT / "docs/variables.md"
ROLE = "liferay_ops.mail.mail_session"


# Ansible's documentation markup: C(code), O(option), V(value), E(env), RV(return value), P(plugin),
# M(module), I(italic), B(bold), U(url), L(text,url).
_MARKUP = re.compile(r"\b(RV|C|O|V|E|P|M|I|B|U|L)\(([^()]*)\)")


def markup(text: str) -> str:
    """Ansible doc markup to Markdown, on one line, safe inside a table cell."""

    def replace(match: re.Match[str]) -> str:
        kind, body = match.groups()
        if kind == "I":
            return "*%s*" % body
        if kind == "B":
            return "**%s**" % body
        if kind == "U":
            return "<%s>" % body
        if kind == "L":
            label, _, url = body.partition(",")
            return "[%s](%s)" % (label.strip(), url.strip())
        return "`%s`" % body

    text = " ".join(str(text).split())
    return _MARKUP.sub(replace, text).replace("|", "\\|")


def description(spec: dict) -> str:
    text = spec.get("description", "")
    paragraphs = text if isinstance(text, list) else [text]
    return "<br>".join(markup(paragraph) for paragraph in paragraphs if str(paragraph).strip())


def yaml_value(value: object) -> str:
    """A value as it would be written in inventory (YAML flow style, strings that need quotes in double
    quotes, as defaults/main.yml writes them), in a code span."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")].strip()
    elif text.endswith("..."):
        text = text[: -len("...")].strip()
    if isinstance(value, str) and text.startswith("'"):
        text = json.dumps(value, ensure_ascii=False)
    return "`%s`" % text.replace("|", "\\|")


def default(spec: dict) -> str:
    if spec.get("required"):
        return "required"
    if "default" not in spec or spec["default"] is None:
        return "unset"
    return yaml_value(spec["default"])


def type_of(spec: dict) -> str:
    kind = spec.get("type", "str")
    if kind == "list" and spec.get("elements"):
        kind = "list of %s" % spec["elements"]
    text = "`%s`" % kind
    if spec.get("options"):
        text += " (keys below)"
    if spec.get("no_log"):
        text += " (secret)"
    return text


def choices(spec: dict) -> str:
    return ", ".join(yaml_value(choice) for choice in spec.get("choices", []))


HEADER = "| {name} | Type | Default | Choices | Description |\n|---|---|---|---|---|\n"


def row(name: str, spec: dict, per_instance: bool = False) -> str:
    kind = type_of(spec) + (" (per instance)" if per_instance else "")
    return "| `%s` | %s | %s | %s | %s |\n" % (name, kind, default(spec), choices(spec), description(spec))


def table_md(options: dict, names: list[str], column: str, per_instance: set[str] = frozenset()) -> str:
    out = HEADER.format(name=column)
    for name in names:
        out += row(name, options[name], name in per_instance)
    for name in names:
        sub = options[name].get("options")
        if sub:
            out += "\n`%s` takes these keys:\n\n" % name
            out += table_md(sub, list(sub), "Key")
    return out


def load_table():
    """plugins/module_utils/liferay/settings_table.py, loaded by path (it imports nothing of the collection)."""
    spec = importlib.util.spec_from_file_location("settings_table", TABLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The role's entry points: meta/argument_specs.yml's text about each; they share the options.
ENTRY_POINTS = {
    "main": {
        "short_description": "Configure the mail session of Liferay DXP / Portal servers",
        "description": [
            "Writes Liferay's built-in mail session (SMTP, POP3/IMAP, JavaMail properties, default sender) where the "
            "Liferay generation of each host reads it - LIFERAY_HOME/portal-ext.properties up to DXP 2025.Q3, encoded "
            "the way Liferay's parser reads it, OSGi configuration files in LIFERAY_HOME/osgi/configs from DXP "
            "2025.Q4 / Portal 2026 on - or declares it as a JNDI session in Tomcat or WildFly / JBoss EAP and points "
            "Liferay at its name; or, for a container, an env file and a directory of configuration files.",
            "Validates every setting on the controller before any host is changed.",
        ],
        "author": ["mail_session role contributors"],
    },
    "main_verify": {
        "short_description": "Verify the Liferay mail session without changing anything",
        "description": [
            "Validates the settings, then checks from each target that the servers answer and accept the credentials."
        ],
        "author": ["mail_session role contributors"],
    },
}


def options(table) -> dict:
    return {setting.variable: setting.argument_spec() for setting in table.SETTINGS}


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as yamllint's default wants."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _dump(data: dict, indent: int) -> str:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=72, default_flow_style=False)
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def render_argument_specs(table) -> str:
    out = [
        "---\n",
        "# Generated by tools/render_role.py from plugins/module_utils/liferay/settings_table.py.\n",
        "# Do not edit: change the table, then run `make generate`.\n",
        "argument_specs:\n",
    ]
    first = None
    for entry, about in ENTRY_POINTS.items():
        out.append("  %s:\n" % entry)
        out.append(_dump(about, 4))
        if first is None:
            first = entry
            out.append("    options: &mail_session_options\n")
            out.append(_dump(options(table), 6))
        else:
            out.append("    options: *mail_session_options\n")
    return "".join(out)


def _comment(setting) -> str:
    text = markup(setting.description[0]).replace("`", "")
    sentence = re.split(r"(?<=[.;])\s+(?=[A-Z])", text, maxsplit=1)[0]
    if setting.choices:
        sentence = "%s. %s" % (" | ".join(map(str, setting.choices)), sentence)
    return "".join("# %s\n" % line for line in textwrap.wrap(sentence, 100))


def render_defaults(table) -> str:
    out = [
        "---\n",
        "# Generated by tools/render_role.py from plugins/module_utils/liferay/settings_table.py: every variable\n",
        "# of the role with its default (docs/variables.md has the whole text). Do not edit: set the variables\n",
        "# in inventory; change the table and run `make generate` to change a default.\n",
    ]
    current = None
    for setting in table.SETTINGS:
        if setting.required:
            continue
        if setting.group != current:
            current = setting.group
            out.append("\n# -- %s\n" % current)
        out.append(_comment(setting))
        if setting.default is None:
            out.append("%s:\n" % setting.variable)
        else:
            value = yaml.safe_dump(setting.default, default_flow_style=True, allow_unicode=True, width=1_000_000)
            value = value.strip()
            if value.endswith("..."):
                value = value[: -len("...")].strip()
            if isinstance(setting.default, str) and (value.startswith("'") or value == ""):
                value = json.dumps(setting.default, ensure_ascii=False)
            out.append("%s: %s\n" % (setting.variable, value))
    return "".join(out)


def group(table, names: list[str]) -> list[tuple[str, list[str]]]:
    sections = []
    for title in table.GROUPS:
        present = [setting.variable for setting in table.SETTINGS if setting.group == title]
        if present:
            sections.append((title, present))
    return sections


def render_variables(table) -> str:
    opts = options(table)
    out = [
        "<!-- Generated by tools/render_role.py from plugins/module_utils/liferay/settings_table.py."
        " Do not edit: change the table, then run `make generate`. -->\n",
        "# Role variables\n",
        "\n",
        "Every variable of the role `%s`, as the table of its variables " % ROLE,
        "(`plugins/module_utils/liferay/settings_table.py`) defines it; `roles/mail_session/meta/argument_specs.yml` "
        "and `roles/mail_session/defaults/main.yml` are rendered from the same table. "
        "Ansible checks types and choices against the specs before the role runs, and "
        "`ansible-doc -t role %s` shows the same text. " % ROLE,
        "*Default* is the value in `roles/mail_session/defaults/main.yml` (what you would write in inventory); "
        "*unset* means the variable has no value unless you give one, *required* that you must. "
        "Secrets (*secret*) belong in Ansible Vault. "
        "*Per instance*: an entry of `mail_session_instances` may set its own value (without the prefix).\n",
        "\n",
        "Entry points (each takes the variables below):\n",
        "\n",
    ]
    for entry, spec in ENTRY_POINTS.items():
        tasks = "tasks/main.yml" if entry == "main" else "tasks/%s.yml" % entry
        out.append("- `%s` (`%s`): %s\n" % (entry, tasks, markup(spec.get("short_description", ""))))
    sections = group(table, list(opts))
    out.append("\n")
    for title, _ in sections:
        anchor = re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        out.append("- [%s](#%s)\n" % (title, anchor))
    per_instance = {setting.variable for setting in table.SETTINGS if setting.per_instance}
    for title, names in sections:
        out.append("\n## %s\n\n" % title)
        out.append(table_md(opts, names, "Variable", per_instance))
    return "".join(out)


def outputs() -> dict[Path, str]:
    table = load_table()
    return {
        SPECS: render_argument_specs(table),
        DEFAULTS: render_defaults(table),
        OUTPUT: render_variables(table),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a rendered file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print("wrote %s" % path.relative_to(ROOT))
    if stale:
        print("out of date (run `make generate`): %s" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
