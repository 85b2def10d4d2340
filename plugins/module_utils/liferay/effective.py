# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which value of a portal property Liferay will use, and where it comes from.

Liferay does not read one portal-ext.properties: it builds one property set from a chain
of files (``portal-impl/src/com/liferay/portal/configuration/ClassLoaderAggregateProperties.java``,
a Commons Configuration ``CompositeConfiguration``). The chain, as read here:

1. ``portal.properties`` (in portal-impl.jar) names, with ``include-and-override``,
   ``portal-bundle.properties``, ``portal-ext.properties`` and
   ``portal-setup-wizard.properties``, each as a classpath resource and then as
   ``${liferay.home}/<name>``; then ``${external-properties}``.
2. Every file loaded may name more files with ``include-and-override`` (a comma list, a
   repeated key adds more). ``_addIncludedPropertiesSources`` walks a file's list in
   reverse and adds each named file (its own includes first) *before* the file itself,
   and a ``CompositeConfiguration`` answers from the first configuration that has the key.
   Read in order, that is: a file, then the files it includes in the order named, each
   followed by what it includes; **the last definition wins**.
3. The Docker image's ``LIFERAY_*`` environment variables beat every file.

Within one file a repeated key is a list, merged with ``,`` (``getString``). A relative
``include-and-override`` name is a classpath resource (``ClassLoader.getResource``), which
cannot be read from the file system here: it is reported, not guessed.

This module answers, for the keys the role manages: the value Liferay will use once the
role's own file holds the planned keys, the file and line it comes from, and every place
where a later source beats the role. Standard library only (it runs on the targets).
"""

from __future__ import annotations

import os
import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import decode_env_name
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import (
    PropertiesDocument,
    PropertiesError,
    jtrim,
    split_list,
    unescape_java,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, is_secret_key

INCLUDE_KEY = "include-and-override"

# portal.properties' own include-and-override list, the files of LIFERAY_HOME (the classpath
# copies of the same names live inside the web application and are not read here).
BASE_FILES = ("portal-bundle.properties", "portal-ext.properties", "portal-setup-wizard.properties")

_REFERENCE = re.compile(r"\$\{([^}]*)\}")

# Files a chain may visit: a loop of include-and-override lines ends here.
MAX_FILES = 64


class Definition:
    """One key defined in one source: its value as Liferay reads it, and where."""

    __slots__ = ("key", "line", "path", "value")

    def __init__(self, key, value, path, line):
        self.key = key
        self.value = value
        self.path = path
        self.line = line  # 1-based, None for a key the role adds

    def where(self):
        if self.line is None:
            return "%s (added by the role)" % self.path
        return "line %d of %s" % (self.line, self.path)


class Source:
    """A file (or the env file) in the chain, in reading order."""

    __slots__ = ("exists", "included_from", "kind", "path", "writable")

    def __init__(self, path, kind, exists, writable, included_from=None):
        self.path = path
        self.kind = kind  # properties | env
        self.exists = exists
        self.writable = writable
        self.included_from = included_from  # "line N of FILE" for include-and-override files

    def as_dict(self):
        return {
            "path": self.path,
            "kind": self.kind,
            "exists": self.exists,
            "writable": self.writable,
            "included_from": self.included_from,
        }


class Chain:
    """The sources Liferay reads, in order, and every definition found in them."""

    def __init__(self):
        self.sources = []
        self.definitions = []  # reading order: the last one of a key wins
        self.unreadable = []  # include-and-override names that cannot be followed

    def winner(self, key):
        found = None
        for definition in self.definitions:
            if definition.key == key:
                found = definition
        return found

    def defined_keys(self):
        seen = []
        for definition in self.definitions:
            if definition.key not in seen:
                seen.append(definition.key)
        return seen


def _writable(path):
    return os.path.isfile(path) and os.access(path, os.W_OK)


def _file_definitions(path, document):
    """Definitions of one file, a repeated key merged into one list value (as Liferay reads it)."""
    merged = {}
    order = []
    for entry in document.entries:
        if entry.key == INCLUDE_KEY:
            continue
        try:
            value = entry.value()
        except PropertiesError:
            continue
        line = None if entry.first is None else entry.first + 1
        if entry.key in merged:
            merged[entry.key].value += "," + value
            merged[entry.key].line = line
        else:
            merged[entry.key] = Definition(entry.key, value, path, line)
            order.append(entry.key)
    return [merged[key] for key in order]


def _include_names(document):
    """[(name, line)] of the include-and-override entries of a file, in order."""
    names = []
    for entry in document.entries:
        if entry.key != INCLUDE_KEY:
            continue
        try:
            text = unescape_java(jtrim(entry.raw_value))
        except PropertiesError:
            continue
        for name in split_list(text):
            if name:
                names.append((name, entry.first + 1))
    return names


def _resolve_name(name, liferay_home, document):
    """The absolute path an include-and-override name stands for, or (None, reason)."""
    values = None

    def substitute(match):
        nonlocal values
        ref = match.group(1)
        if ref == "liferay.home":
            return liferay_home
        if values is None:
            values = {entry.key: entry for entry in document.entries}
        if ref in values:
            return values[ref].value()
        raise KeyError(ref)

    try:
        resolved = _REFERENCE.sub(substitute, name)
    except KeyError as exc:
        return None, "names ${%s}, which only the running Liferay knows (a system property?)" % exc.args[0]
    if not os.path.isabs(resolved):
        return None, (
            "is a classpath resource (a relative name), which cannot be read from the file system; "
            "name it as ${liferay.home}/%s or an absolute path to have it checked" % resolved
        )
    return os.path.normpath(resolved), None


def read_chain(liferay_home, planned=None, env_file=None):
    """The chain Liferay reads from *liferay_home*.

    *planned*: ``(path, document)`` of the file the role writes, as it will be after this run
    (read instead of the file on disk). *env_file*: a Docker env file whose ``LIFERAY_*``
    variables come last.
    """
    chain = Chain()
    planned_path = os.path.realpath(planned[0]) if planned else None
    seen = set()
    # ClassLoaderAggregateProperties adds the configurations in precedence order: the first one
    # added that has a key answers for it. Built the same way here, then reversed into reading
    # order (the last definition wins) for the report.
    precedence = []  # [(Source, [Definition])]

    def add_included(names, document, path):
        # _addIncludedPropertiesSources: the names in reverse, each one's own includes first
        for name, line in reversed(names):
            target, reason = _resolve_name(name, liferay_home, document)
            where = "line %d of %s" % (line, path)
            if target is None:
                chain.unreadable.append({"name": name, "included_from": where, "reason": reason})
                continue
            add_source(target, where)

    def add_source(path, included_from=None):
        real = os.path.realpath(path)
        is_planned = real == planned_path
        exists = os.path.isfile(path)
        source = Source(path, "properties", exists or is_planned, _writable(path) or is_planned, included_from)
        if not (exists or is_planned):
            precedence.append((source, []))
            return
        # a file added again has lower precedence than its first addition: nothing to add (and a
        # loop of include-and-override lines ends here)
        if real in seen or len(seen) >= MAX_FILES:
            return
        seen.add(real)
        if is_planned:
            document = planned[1]
        else:
            with open(path, "rb") as handle:
                document = PropertiesDocument(handle.read().decode("utf-8", "replace"))
            if document.malformed_entries():
                # Commons Configuration throws, ClassLoaderAggregateProperties ignores the whole file
                chain.unreadable.append(
                    {
                        "name": path,
                        "included_from": included_from,
                        "reason": "has a malformed \\u escape: Liferay ignores the whole file",
                    }
                )
                return
        add_included(_include_names(document), document, path)
        precedence.append((source, _file_definitions(path, document)))

    # portal.properties' own list, walked the same way
    for name in reversed(BASE_FILES):
        add_source(os.path.join(liferay_home, name))
    for source, definitions in reversed(precedence):
        chain.sources.append(source)
        chain.definitions.extend(definitions)
    if env_file:
        exists = os.path.isfile(env_file)
        chain.sources.append(Source(env_file, "env", exists, _writable(env_file)))
        if exists:
            chain.definitions.extend(_env_definitions(env_file))
    return chain


def _env_definitions(path):
    """Definitions of a ``docker run --env-file`` file: ``LIFERAY_*`` names decoded into keys."""
    found = []
    with open(path, "rb") as handle:
        lines = handle.read().decode("utf-8", "replace").splitlines()
    for number, line in enumerate(lines, 1):
        text = line.lstrip()
        if not text or text.startswith("#") or "=" not in text:
            continue
        name, value = text.split("=", 1)
        key = decode_env_name(name)
        if key is not None:
            found.append(Definition(key, value, path, number))
    return found


def planned_document(path, desired, owned_prefixes):
    """*path* as the role's write will leave it: *desired* set, other keys under *owned_prefixes* gone.

    A model of the keys, not the text the writer produces (portal_properties proves that
    text reads back as planned before it writes it).
    """
    text = ""
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    document = PropertiesDocument(text)
    first_line = {}
    for entry in document.entries:
        first_line.setdefault(entry.key, entry.first)
    kept = [
        entry
        for entry in document.entries
        if entry.key not in desired and not any(entry.key.startswith(prefix) for prefix in owned_prefixes)
    ]
    planned = PropertiesDocument("")
    planned.entries = kept + [_PlannedEntry(key, value, first_line.get(key)) for key, value in desired.items()]
    return planned


class _PlannedEntry:
    """A key the role sets: its value is already decoded; *first* is its line if it is there already."""

    __slots__ = ("first", "key", "raw_value", "value_text")

    def __init__(self, key, value, first):
        self.key = key
        self.value_text = value
        self.first = first
        self.raw_value = ""

    def value(self):
        return self.value_text


def _text(value):
    """A value as Liferay reads it back: a list is merged with ',' (PropsUtil.get), a bool is true/false."""
    if isinstance(value, (list, tuple)):
        return ",".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "%s" % value


def resolve(
    liferay_home,
    properties_file,
    desired,
    secret_keys=(),
    owned_prefixes=(),
    override_prefixes=(),
    env_file=None,
):
    """What Liferay will use for the keys the role manages, once *desired* is in *properties_file*.

    Returns a dict:

    ``effective``: key -> {value (secrets masked), file, line, by_role};
    ``conflicts``: a list of {key, kind, file, line, value, expected, writable, message};
    ``sources``: the chain in reading order; ``unreadable``: include-and-override names not followed.

    Conflict kinds: ``overridden`` (a later source sets a key the role writes to another value),
    ``unmanaged`` (a key of a namespace the role owns, e.g. ``mail.session.``, that inventory does
    not set: it still reaches the session), ``override`` (a key under *override_prefixes*, e.g.
    ``configuration.override.<PID>_``, that beats the OSGi configuration the role writes),
    ``not_read`` (Liferay does not read *properties_file* at all).
    """
    desired = {key: _text(value) for key, value in desired.items()}
    secret_keys = set(secret_keys)
    owned_prefixes = tuple(owned_prefixes)
    override_prefixes = tuple(override_prefixes)
    planned = planned_document(properties_file, desired, owned_prefixes)
    chain = read_chain(liferay_home, (properties_file, planned), env_file)
    role_file = os.path.realpath(properties_file)

    def show(key, value):
        return MASK if is_secret_key(key, secret_keys) else value

    conflicts = []
    effective = {}
    in_chain = any(os.path.realpath(source.path) == role_file for source in chain.sources)
    if not in_chain and desired:
        conflicts.append(
            {
                "key": None,
                "kind": "not_read",
                "file": properties_file,
                "line": None,
                "value": None,
                "expected": None,
                "writable": False,
                "message": "Liferay does not read %s: it reads %s and the files they include. Set "
                "mail_session_properties_file to %s or leave it at its default"
                % (properties_file, ", ".join(BASE_FILES), os.path.join(liferay_home, "portal-ext.properties")),
            }
        )

    def conflict(kind, definition, expected, message):
        source = _source(chain, definition.path)
        if source is not None and source.included_from:
            message += " (the file is loaded by include-and-override at %s)" % source.included_from
        conflicts.append(
            {
                "key": definition.key,
                "kind": kind,
                "file": definition.path,
                "line": definition.line,
                "value": show(definition.key, definition.value),
                "expected": None if expected is None else show(definition.key, expected),
                # the role edits properties files only: an env file is the deployment's to change
                "writable": source is not None and source.writable and source.kind == "properties",
                "message": message,
            }
        )

    for key in desired:
        winner = chain.winner(key)
        if winner is None:
            continue
        by_role = os.path.realpath(winner.path) == role_file
        effective[key] = {
            "value": show(key, winner.value),
            "file": winner.path,
            "line": winner.line,
            "by_role": by_role,
        }
        if not by_role and winner.value != desired[key]:
            conflict(
                "overridden",
                winner,
                desired[key],
                "%s is set at %s, which Liferay reads after %s, so it beats the value the role writes"
                % (key, winner.where(), properties_file),
            )

    for key in chain.defined_keys():
        if key in desired:
            continue
        winner = chain.winner(key)
        if override_prefixes and key.startswith(override_prefixes):
            kind = "override"
            why = "%s is set at %s: Liferay applies it over the OSGi configuration the role writes"
        elif owned_prefixes and key.startswith(owned_prefixes):
            kind = "unmanaged"
            why = "%s is set at %s; inventory does not set it, yet Liferay passes it to the mail session"
        else:
            continue
        effective[key] = {"value": show(key, winner.value), "file": winner.path, "line": winner.line, "by_role": False}
        conflict(kind, winner, None, why % (key, winner.where()))

    return {
        "effective": effective,
        "conflicts": conflicts,
        "sources": [source.as_dict() for source in chain.sources],
        "unreadable": chain.unreadable,
    }


def _source(chain, path):
    """The Source of *path* in the chain (None if it is not one)."""
    for source in chain.sources:
        if source.path == path:
            return source
    return None


def conflict_text(conflict, host=None):
    """One conflict as a sentence with what to do, for an error or a warning."""
    prefix = "%s: " % host if host else ""
    if conflict["kind"] == "not_read":
        return prefix + conflict["message"]
    if conflict["writable"]:
        todo = (
            "Remove that line, or set mail_session_effective: own to have the role remove it "
            "(or warn to go on regardless)"
        )
    else:
        todo = "Remove that line (the role cannot write that file), or set mail_session_effective: warn to go on"
    return "%s%s. %s." % (prefix, conflict["message"], todo)
