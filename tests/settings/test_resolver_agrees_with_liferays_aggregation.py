"""The resolver (module_utils/liferay/effective.py) against an oracle: the real Commons
Configuration 1.10 aggregating the same LIFERAY_HOME the way Liferay's
ClassLoaderAggregateProperties does (tests/java/LiferayChainReader.java)."""

from __future__ import annotations

import random

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.effective import read_chain, resolve

FILES = ["portal-bundle.properties", "portal-ext.properties", "portal-setup-wizard.properties"]
EXTRA = ["inc-a.properties", "inc-b.properties", "sub/inc-c.properties", "inc-d.properties"]
KEYS = ["mail.session.mail.smtp.host", "mail.session.mail.smtp.port", "admin.email.from.address", "k4", "k5"]


def random_home(rng, home):
    """A LIFERAY_HOME with random keys and include-and-override lines (absolute, ${liferay.home}/,
    comma lists, repeated keys, cycles, missing files, classpath names)."""
    (home / "sub").mkdir(parents=True)
    for name in FILES + EXTRA:
        if rng.random() < 0.2 and name not in ("portal-ext.properties",):
            continue  # a file that does not exist
        lines = []
        for number in range(rng.randint(0, 6)):
            roll = rng.random()
            if roll < 0.25:
                picked = rng.sample(EXTRA + FILES, rng.randint(1, 2))
                names = [
                    rng.choice(
                        [
                            "${liferay.home}/%s" % item,
                            "%s/%s" % (home, item),
                            item if rng.random() < 0.1 else "${liferay.home}/" + item,
                        ]
                    )
                    for item in picked
                ]
                lines.append("include-and-override=" + ",".join(names))
            else:
                lines.append("%s=%s-%d" % (rng.choice(KEYS), name.replace("/", "_"), number))
        (home / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def winners(chain):
    return {key: chain.winner(key).value for key in chain.defined_keys()}


def test_the_last_definition_in_liferays_order_wins_on_300_random_layouts(tmp_path, liferay_chain):
    rng = random.Random(20261201)
    homes = []
    for index in range(300):
        home = tmp_path / ("home%03d" % index)
        random_home(rng, home)
        homes.append(home)
    expected = liferay_chain(*homes)
    mismatches = []
    for home, oracle in zip(homes, expected, strict=True):
        found = winners(read_chain(str(home)))
        if found != oracle:
            mismatches.append((home.name, found, oracle))
    assert not mismatches, mismatches[:3]
    # the battery exercised includes that beat their parent and files included twice
    assert sum(1 for home in homes if "include-and-override" in (home / "portal-ext.properties").read_text()) > 100


def test_later_include_beats_earlier_and_a_file_beats_nothing_it_includes(tmp_path, liferay_chain):
    (tmp_path / "portal-ext.properties").write_text(
        "a=ext\nb=ext\nc=ext\ninclude-and-override=${liferay.home}/one.properties,${liferay.home}/two.properties\n",
        encoding="utf-8",
    )
    (tmp_path / "one.properties").write_text("a=one\nb=one\ninclude-and-override=${liferay.home}/deep.properties\n")
    (tmp_path / "two.properties").write_text("a=two\n")
    (tmp_path / "deep.properties").write_text("b=deep\nc=deep\n")
    (tmp_path / "portal-setup-wizard.properties").write_text("c=wizard\n")
    expected = {"a": "two", "b": "deep", "c": "wizard"}
    assert liferay_chain(tmp_path) == expected
    assert winners(read_chain(str(tmp_path))) == expected


def test_a_file_with_a_malformed_unicode_escape_is_ignored_whole(tmp_path, liferay_chain):
    (tmp_path / "portal-ext.properties").write_text("a=ext\n")
    (tmp_path / "portal-setup-wizard.properties").write_text("a=wizard\nb=\\uZZZZ\n")
    assert liferay_chain(tmp_path) == {"a": "ext"}
    chain = read_chain(str(tmp_path))
    assert winners(chain) == {"a": "ext"}
    assert "malformed" in chain.unreadable[0]["reason"]


def test_a_repeated_key_is_a_list_and_the_resolver_reads_it_merged(tmp_path, liferay_chain):
    (tmp_path / "portal-ext.properties").write_text("mail.send.blacklist=a@x.test\nmail.send.blacklist=b@x.test\n")
    assert liferay_chain(tmp_path) == {"mail.send.blacklist": "a@x.test,b@x.test"}
    result = resolve(str(tmp_path), str(tmp_path / "other.properties"), {})
    assert result["conflicts"] == []


def test_env_file_variables_beat_every_file(tmp_path):
    (tmp_path / "portal-ext.properties").write_text("admin.email.from.address=file@example.com\n")
    env = tmp_path / "liferay.env"
    env.write_text("LIFERAY_ADMIN_PERIOD_EMAIL_PERIOD_FROM_PERIOD_ADDRESS=env@example.com\n")
    result = resolve(
        str(tmp_path),
        str(tmp_path / "portal-ext.properties"),
        {"admin.email.from.address": "p@example.com"},
        env_file=str(env),
    )
    assert result["effective"]["admin.email.from.address"] == {
        "value": "env@example.com",
        "file": str(env),
        "line": 1,
        "by_role": False,
    }
    assert [conflict["kind"] for conflict in result["conflicts"]] == ["overridden"]
    assert result["conflicts"][0]["writable"] is False  # the role does not edit env files to win


def test_secrets_are_compared_but_never_returned(tmp_path):
    (tmp_path / "portal-setup-wizard.properties").write_text("mail.session.mail.smtp.password=old-secret\n")
    result = resolve(
        str(tmp_path),
        str(tmp_path / "portal-ext.properties"),
        {"mail.session.mail.smtp.password": "new-secret"},
        secret_keys=["mail.session.mail.smtp.password"],
        owned_prefixes=["mail.session."],
    )
    text = repr(result)
    assert "old-secret" not in text and "new-secret" not in text
    assert result["conflicts"][0]["value"] == "********"
    assert result["conflicts"][0]["expected"] == "********"


def test_same_value_in_a_later_file_is_no_conflict_but_is_named_as_the_source(tmp_path):
    (tmp_path / "portal-setup-wizard.properties").write_text("admin.email.from.address=p@example.com\n")
    result = resolve(
        str(tmp_path), str(tmp_path / "portal-ext.properties"), {"admin.email.from.address": "p@example.com"}
    )
    assert result["conflicts"] == []
    assert result["effective"]["admin.email.from.address"]["file"] == str(tmp_path / "portal-setup-wizard.properties")


def test_include_cycles_end(tmp_path, liferay_chain):
    (tmp_path / "portal-ext.properties").write_text("a=ext\ninclude-and-override=${liferay.home}/loop.properties\n")
    (tmp_path / "loop.properties").write_text("a=loop\ninclude-and-override=${liferay.home}/portal-ext.properties\n")
    assert winners(read_chain(str(tmp_path))) == liferay_chain(tmp_path) == {"a": "loop"}
