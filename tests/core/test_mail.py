"""E-mail while developing stays on the machine: saved to files, short ones on the console."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives, get_connection, send_mail


def test_short_messages_print_and_every_message_is_saved(tmp_path, capsys, settings):
    settings.VAR_DIR = tmp_path
    connection = get_connection("lightbulb.core.mail.DevelopmentEmailBackend")
    send_mail("Reset your password", "Use this link: http://127.0.0.1:8000/reset/abc", None, ["amina@example.org"], connection=connection)
    digest = EmailMultiAlternatives("Your deadlines", "x" * 5000, None, ["officer@example.org"], connection=connection)
    digest.attach_alternative("<p>long</p>", "text/html")
    digest.send()
    out = capsys.readouterr().out
    assert "E-mail to amina@example.org: Reset your password" in out
    assert "http://127.0.0.1:8000/reset/abc" in out
    assert "E-mail to officer@example.org: Your deadlines" in out
    assert "x" * 100 not in out
    saved = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert "Use this link" in saved and "Your deadlines" in saved


def test_a_subject_with_a_line_break_is_sent_on_one_line(db, mailoutbox, django_capture_on_commit_callbacks):
    """A header may not hold a line break: a title typed with one (a survey's, say) would fail every try."""
    from lightbulb.core.mail import email_enqueue

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(to=["amina@example.org"], subject="Survey: State of\r\nthe sector", body="Please answer.")
    assert [message.subject for message in mailoutbox] == ["Survey: State of the sector"]
