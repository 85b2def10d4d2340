"""`make run` prints portal-ext.properties through tools/show_masked.py: secrets masked with the collection's
own mask and pattern, continued secret values dropped whole, everything else as it is."""

from __future__ import annotations

from show_masked import masked

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK


def test_secret_values_are_masked_and_the_rest_is_kept():
    text = (
        "# mail.session.mail.smtp.password=in a comment\n"
        "mail.session.mail.smtp.host=smtp.example.com\n"
        "mail.session.mail.smtp.password=s3cret\n"
        "mail.session.mail.pop3.password : other\n"
        "some.api.TOKEN=abc\n"
    )
    assert masked(text) == (
        "# mail.session.mail.smtp.password=in a comment\n"
        "mail.session.mail.smtp.host=smtp.example.com\n"
        "mail.session.mail.smtp.password=%s\n"
        "mail.session.mail.pop3.password :%s\n"
        "some.api.TOKEN=%s\n" % (MASK, MASK, MASK)
    )


def test_a_continued_secret_is_dropped_whole_and_a_continued_plain_value_kept():
    text = "a.password=first\\\n  second\\\n  third\nb=one\\\n  two\nc=\\\\\nd=e\n"
    assert masked(text) == "a.password=%s\nb=one\\\n  two\nc=\\\\\nd=e\n" % MASK
