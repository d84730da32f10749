import unicodedata

from django.db import migrations, models


def _normalized_email(email):
    # A frozen copy of accounts.models.account.normalized_email as of this migration.
    folded = unicodedata.normalize("NFKC", (email or "").strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def fill_normalized_emails(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    for account in Account.objects.only("pk", "root_email"):
        Account.objects.filter(pk=account.pk).update(root_email_normalized=_normalized_email(account.root_email))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_audit_event_account_time_index'),
    ]

    operations = [
        # One comparison for root emails: the database's LOWER() gives way to a form Python computes.
        migrations.RemoveConstraint(
            model_name='account',
            name='account_root_email_unique_ci',
        ),
        migrations.AddField(
            model_name='account',
            name='root_email_normalized',
            field=models.CharField(default='', editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(fill_normalized_emails, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='account',
            name='root_email_normalized',
            field=models.CharField(editable=False, max_length=254, unique=True),
        ),
    ]
