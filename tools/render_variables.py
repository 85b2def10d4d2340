#!/usr/bin/env python3
"""Render docs/variables.md from the role's argument specs.

roles/mail_session/meta/argument_specs.yml is the one description of the role's variables: Ansible checks
types and choices against it before the role runs, and `ansible-doc -t role liferay_ops.mail.mail_session`
shows it. This script turns the same data (name, type, default, choices, description) into Markdown, so the
documentation cannot drift from what Ansible enforces.

    python tools/render_variables.py           # write docs/variables.md
    python tools/render_variables.py --check   # exit 1 when docs/variables.md is not what this renders

tests/test_docs.py runs the check.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "roles/mail_session/meta/argument_specs.yml"
OUTPUT = ROOT / "docs/variables.md"
ROLE = "liferay_ops.mail.mail_session"

# Sections of the page, each with the variables it shows, in this order. A variable the specs declare and no
# section names goes to the last section, in the order of the specs file; a name the specs no longer declare
# is skipped. Only the grouping lives here: every word about a variable comes from the specs.
GROUPS: list[tuple[str, list[str]]] = [
    (
        "Liferay, and where the settings go",
        [
            "mail_session_liferay_home",
            "mail_session_properties_file",
            "mail_session_method",
            "mail_session_deployment",
            "mail_session_liferay_version",
            "mail_session_liferay_version_check",
        ],
    ),
    (
        "Outgoing mail (SMTP)",
        [
            "mail_session_smtp_host",
            "mail_session_smtp_port",
            "mail_session_smtp_security",
            "mail_session_smtp_user",
            "mail_session_smtp_password",
        ],
    ),
    (
        "Incoming mail (POP3)",
        [
            "mail_session_store_protocol",
            "mail_session_pop_host",
            "mail_session_pop_port",
            "mail_session_pop_security",
            "mail_session_pop_user",
            "mail_session_pop_password",
            "mail_session_pop_server_notifications",
        ],
    ),
    (
        "JavaMail properties, sender and server-wide settings",
        [
            "mail_session_javamail_properties",
            "mail_session_from_name",
            "mail_session_from_address",
            "mail_session_batch_size",
            "mail_session_audit_trail",
            "mail_session_send_blacklist",
            "mail_session_throws_exception_on_failure",
        ],
    ),
    (
        "Files, restart and safety checks",
        [
            "mail_session_file_owner",
            "mail_session_file_group",
            "mail_session_file_mode",
            "mail_session_backup",
            "mail_session_allow_unusual_ports",
            "mail_session_effective",
            "mail_session_restart_service",
        ],
    ),
    (
        "Verification of the mail servers",
        [
            "mail_session_verify",
            "mail_session_verify_timeout",
            "mail_session_verify_retries",
            "mail_session_verify_retry_delay",
            "mail_session_verify_preflight",
            "mail_session_verify_roundtrip",
            "mail_session_verify_roundtrip_to",
            "mail_session_verify_roundtrip_from",
            "mail_session_verify_roundtrip_deadline",
            "mail_session_verify_tls_verify",
            "mail_session_verify_ca_file",
            "mail_session_verify_cert_expiry_warn_days",
        ],
    ),
    (
        "Application-server session (Tomcat, WildFly / JBoss EAP)",
        [
            "mail_session_app_server",
            "mail_session_jndi_name",
            "mail_session_tomcat_base",
            "mail_session_tomcat_home",
            "mail_session_tomcat_mail_type",
            "mail_session_tomcat_mail_jars",
            "mail_session_wildfly_config",
        ],
    ),
    (
        "DXP 2025.Q4+ / Portal 2026+ (OSGi .config files)",
        [
            "mail_session_remove_obsolete_keys",
            "mail_session_osgi_configs_dir",
            "mail_session_osgi_config_mode",
            "mail_session_instances",
        ],
    ),
    ("Docker", ["mail_session_docker_env_file", "mail_session_docker_configs_dir"]),
    ("Database check", ["mail_session_db_check", "mail_session_db", "mail_session_db_check_fail"]),
]
OTHER = "Other variables"

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


def row(name: str, spec: dict) -> str:
    return "| `%s` | %s | %s | %s | %s |\n" % (name, type_of(spec), default(spec), choices(spec), description(spec))


def table(options: dict, names: list[str], column: str) -> str:
    out = HEADER.format(name=column)
    for name in names:
        out += row(name, options[name])
    for name in names:
        sub = options[name].get("options")
        if sub:
            out += "\n`%s` takes these keys:\n\n" % name
            out += table(sub, list(sub), "Key")
    return out


def group(options: dict) -> list[tuple[str, list[str]]]:
    placed: set[str] = set()
    sections = []
    for title, names in GROUPS:
        present = [name for name in names if name in options and name not in placed]
        placed.update(present)
        if present:
            sections.append((title, present))
    rest = [name for name in options if name not in placed]
    if rest:
        sections.append((OTHER, rest))
    return sections


def render(specs_text: str) -> str:
    specs = yaml.safe_load(specs_text)["argument_specs"]
    options = specs["main"]["options"]
    out = [
        "<!-- Generated by tools/render_variables.py from roles/mail_session/meta/argument_specs.yml."
        " Do not edit: change the specs, then run `python tools/render_variables.py`. -->\n",
        "# Role variables\n",
        "\n",
        "Every variable of the role `%s`, as `roles/mail_session/meta/argument_specs.yml` declares it. " % ROLE,
        "Ansible checks types and choices against these specs before the role runs, and "
        "`ansible-doc -t role %s` shows the same text. " % ROLE,
        "*Default* is the value in `roles/mail_session/defaults/main.yml` (what you would write in inventory); "
        "*unset* means the variable has no value unless you give one, *required* that you must. "
        "Secrets (*secret*) belong in Ansible Vault.\n",
        "\n",
        "Entry points (each takes the variables below):\n",
        "\n",
    ]
    for entry, spec in specs.items():
        tasks = "tasks/main.yml" if entry == "main" else "tasks/%s.yml" % entry
        out.append("- `%s` (`%s`): %s\n" % (entry, tasks, markup(spec.get("short_description", ""))))
    sections = group(options)
    out.append("\n")
    for title, _ in sections:
        anchor = re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        out.append("- [%s](#%s)\n" % (title, anchor))
    for title, names in sections:
        out.append("\n## %s\n\n" % title)
        out.append(table(options, names, "Variable"))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when %s is out of date" % OUTPUT.name)
    args = parser.parse_args(argv)
    text = render(SPECS.read_text(encoding="utf-8"))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print("%s is out of date: run `python tools/render_variables.py`" % OUTPUT.relative_to(ROOT))
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print("wrote %s" % OUTPUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
