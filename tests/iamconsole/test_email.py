from django.core import mail
from django.core.mail import send_mail


def test_mail_goes_through_djangos_email_framework(settings):
    send_mail("Reset your password", "Follow the link.", None, ["root@example.com"])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    assert mail.outbox[0].to == ["root@example.com"]


def test_file_backend_writes_messages_to_disk(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }

    send_mail("Invitation", "Join the account.", None, ["bob@example.com"])

    written = list(tmp_path.iterdir())
    assert len(written) == 1
    assert "Subject: Invitation" in written[0].read_text()
