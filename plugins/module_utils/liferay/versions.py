# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Liferay versions, and the generation of Liferay's mail settings each one reads.

``legacy`` (7.0 - 7.4, DXP up to 2025.Q3: ``mail.session.*`` portal properties) or ``osgi``
(DXP 2025.Q4+ / Portal 2026+: the OSGi configurations MailSetting*Configuration), from a version
as written in inventory, a Docker tag, ``.liferay-version`` or a jar manifest. Pure functions,
Python standard library only, used on the controller (the role's filters and validation) and by
modules on the targets (generation_info).

Sources:

* liferay/liferay-docker ``release/_package.sh``: every bundle built by Liferay's release
  tool carries ``.liferay-version`` (the product version), ``.githash`` and
  ``.liferay-home`` in LIFERAY_HOME, and Docker images are built from those bundles.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError

LEGACY = "legacy"  # 7.0 - 7.4, DXP up to 2025.Q3: mail.session.* portal properties
OSGI = "osgi"  # DXP 2025.Q4+ / Portal 2026+: OSGi configuration MailSetting*Configuration
# The first quarterly release whose MailServiceImpl reads MailSettingCompanyConfiguration
# (shared/reference/liferay-mail.md section 1: "DXP 2025.Q4+ / Portal 2026+"; the
# configuration interfaces and the upgrade step carry a 2025 copyright).
OSGI_SINCE = (2025, 4)


_QUARTERLY_RE = re.compile(r"(?<![0-9])(20[2-9][0-9])\.[qQ]([1-4])(?:\.([0-9]+))?")
_SEVEN_RE = re.compile(r"(?<![0-9.])([67])\.([0-9]+)((?:[.\-](?:ga|GA|u|U|sp|SP|dxp-|de-|fp-)?[0-9]+)*)")
_PREFIX_RE = re.compile(r"^(?:liferay/)?(?:dxp|portal)[:\- ]+", re.IGNORECASE)


class LiferayVersion:
    """A parsed Liferay version: ``generation`` (legacy|osgi), a sort ``key`` and the text."""

    __slots__ = ("generation", "key", "kind", "text")

    def __init__(self, text, kind, key, generation):
        self.text = text
        self.kind = kind  # "7.x" or "quarterly"
        self.key = key
        self.generation = generation

    def __repr__(self):
        return "LiferayVersion(%r, %s)" % (self.text, self.generation)

    def __eq__(self, other):
        return isinstance(other, LiferayVersion) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __lt__(self, other):
        return self.key < other.key

    def __le__(self, other):
        return self.key <= other.key

    def __gt__(self, other):
        return self.key > other.key

    def __ge__(self, other):
        return self.key >= other.key


def parse_version(text):
    """Parse a Liferay version as written in inventory, a Docker tag or ``.liferay-version``.

    Accepted: ``7.0.x`` ... ``7.4.3.132``, ``7.4.3.132-ga132``, ``7.4.13-u92``,
    ``7.4.13.u92``, ``7.3.10-u36``, and quarterly releases ``2023.q1.0`` ...
    ``2025.q3.5``, ``2025.q4.0``, ``2026.q1.0-lts`` (any case, optional ``dxp-`` /
    ``portal-`` / ``liferay/dxp:`` prefix, optional ``-lts`` / ``-slim`` suffix).
    Quarterly releases sort after every 7.x release; the generation is ``osgi`` from
    2025.Q4 on, ``legacy`` before. Raises OsgiError for anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise OsgiError("the Liferay version is empty; give e.g. 7.4.3.132, 2025.q3.5 or 2026.q1.0")
    raw = text.strip()
    candidate = _PREFIX_RE.sub("", raw)
    match = _QUARTERLY_RE.match(candidate)
    if match and _rest_is_suffix(candidate[match.end() :]):
        year, quarter = int(match.group(1)), int(match.group(2))
        patch = int(match.group(3) or 0)
        if year < 2023:
            raise OsgiError("%r: quarterly releases start with 2023.q1" % raw)
        generation = OSGI if (year, quarter) >= OSGI_SINCE else LEGACY
        return LiferayVersion(raw, "quarterly", (1, year, quarter, patch), generation)
    match = _SEVEN_RE.match(candidate)
    if match and _rest_is_suffix(candidate[match.end() :]):
        major, minor = int(match.group(1)), int(match.group(2))
        if major < 7:
            raise OsgiError("%r: Liferay 6.x is not supported by this role (it needs 7.0 or later)" % raw)
        if minor > 4:
            raise OsgiError(
                "%r is not a Liferay version: after 7.4 Liferay numbers releases by quarter (e.g. 2025.q4.0)" % raw
            )
        rest = [int(n) for n in re.findall(r"[0-9]+", match.group(3) or "")]
        return LiferayVersion(raw, "7.x", (0, major, minor, *rest), LEGACY)
    raise OsgiError(
        "%r is not a Liferay version this role knows: use 7.0 - 7.4 (e.g. 7.4.3.132, 7.4.13-u92) "
        "or a quarterly release (e.g. 2025.q3.5, 2026.q1.0)" % raw
    )


def _rest_is_suffix(rest):
    return re.fullmatch(r"(?:[\- ](?:lts|LTS|slim|SLIM|d[0-9.]+-[0-9]+))*", rest) is not None


def compare_versions(a, b):
    """-1, 0 or 1 as version *a* is older than, equal to or newer than *b* (strings or parsed)."""
    a = a if isinstance(a, LiferayVersion) else parse_version(a)
    b = b if isinstance(b, LiferayVersion) else parse_version(b)
    return (a.key > b.key) - (a.key < b.key)


def generation_of(text):
    """``legacy`` or ``osgi`` for a version string (see parse_version)."""
    return parse_version(text).generation


def version_in_text(text):
    """The first Liferay version found in free text (a manifest's release info), or None.

    ``Liferay Digital Experience Platform 2025.Q1.0 LTS (...)`` gives 2025.Q1.0;
    ``Liferay DXP Digital Enterprise 7.0.10 GA1 (Wilberforce / Build 7010 ...)`` gives
    7.0.10. A quarterly version wins over a 7.x number in the same text.
    """
    if not text:
        return None
    match = _QUARTERLY_RE.search(text)
    if match:
        found = match.group(0)
        try:
            return parse_version(found)
        except OsgiError:
            return None
    for match in re.finditer(r"(?<![0-9.])7\.[0-4](?:\.[0-9]+)*", text):
        try:
            return parse_version(match.group(0))
        except OsgiError:
            continue
    return None


def generation_for(version, detected=None):
    """``legacy`` or ``osgi``: from the version in inventory, else from generation_info's result.

    Nothing to go by (a LIFERAY_HOME without Liferay in it yet) means ``legacy``, what the role
    wrote before it knew the new generation; validation warns about it.
    """
    if version:
        return parse_version(version).generation
    found = (detected or {}).get("generation")
    return found if found in (LEGACY, OSGI) else LEGACY
