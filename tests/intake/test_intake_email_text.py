"""Quote and signature stripping, and HTML to text, on plain strings."""

from __future__ import annotations

from calmdesk.intake.email_html import html_to_text, sanitize_html
from calmdesk.intake.email_text import split_reply, strip_reply


def test_attribution_split_over_two_lines():
    text = (
        "Not good enough.\n\n"
        "On Mon, Jun 3, 2024 at 9:00 AM Shop Support <support@shop.test>\n"
        "wrote:\n"
        "> We are sorry.\n"
    )
    new, removed = split_reply(text)
    assert new == "Not good enough."
    assert "We are sorry." in removed


def test_other_languages():
    text = "Toujours rien.\n\nLe lun. 3 juin 2024 à 09:00, Support <s@shop.test> a écrit :\n> Bonjour\n"
    assert strip_reply(text) == "Toujours rien."
    text = "Immer noch nichts.\n\nAm 03.06.2024 um 09:00 schrieb Support <s@shop.test>:\n> Hallo\n"
    assert strip_reply(text) == "Immer noch nichts."


def test_inline_answers_are_kept():
    text = (
        "On 3 Jun 2024, Support <s@shop.test> wrote:\n"
        "> What is your order number?\n"
        "It is 1234.\n"
        "> And your postcode?\n"
        "SW1A 1AA, as I said twice.\n"
    )
    assert strip_reply(text) == "It is 1234.\nSW1A 1AA, as I said twice."


def test_words_that_look_like_an_attribution_are_not_cut():
    text = "On Monday I wrote:\nplease cancel it.\nNobody answered."
    assert strip_reply(text) == text


def test_sign_off_before_a_long_paragraph_is_not_a_signature():
    text = (
        "The parcel was damaged.\n\nThanks,\n"
        "but honestly this is the worst service I have had in years and I will tell everyone "
        "I know about it.\n"
    )
    assert strip_reply(text) == text.strip()


def test_signature_delimiter_and_mobile_footers():
    assert strip_reply("Refund me.\n--\nJ.") == "Refund me."
    assert strip_reply("Refund me.\n\nGet Outlook for Android") == "Refund me."
    assert strip_reply("Refund me.\n\nSent from my Galaxy") == "Refund me."
    assert strip_reply("Refund me.\nCheers!\nJ") == "Refund me."


def test_stripping_everything_keeps_the_original():
    assert strip_reply("Thanks,\nJane") == "Thanks,\nJane"
    assert strip_reply("-- \nJane") == "-- \nJane"


def test_crlf_line_endings():
    assert strip_reply("Hello\r\n\r\n> old\r\n> older\r\n") == "Hello"


def test_html_to_text_blocks_lists_tables_quotes():
    html = (
        "<div>a<br><br>b</div><pre>x\n  y</pre>"
        "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"
        "<blockquote><p>q1</p><blockquote>q2</blockquote></blockquote>after"
    )
    assert html_to_text(html) == "a\n\nb\nx\n  y\n\n1 2\n3\n\n> q1\n\n> > q2\n\nafter"


def test_html_to_text_survives_broken_markup():
    assert html_to_text("<p>unclosed <b>bold <div>x</p></i>&bogus; &lt;ok&gt;") == (
        "unclosed bold\nx\n\n&bogus; <ok>"
    )


def test_sanitize_html():
    dirty = (
        '<p style="x" onmouseover="h()">Hi <a href="JaVaScRiPt:alert(1)">a</a>'
        '<a href="mailto:s@shop.test" target="_blank">b</a><iframe src="https://x"></iframe>'
        "<svg><script>alert(1)</script></svg><!-- comment --></p>"
    )
    clean = sanitize_html(dirty)
    assert clean == (
        '<p>Hi <a rel="noopener noreferrer">a</a>'
        '<a href="mailto:s@shop.test" rel="noopener noreferrer">b</a></p>'
    )
    assert sanitize_html("   ") == ""
