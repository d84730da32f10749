from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from iamconsole.aws_api import coverage


class Command(BaseCommand):
    help = "Print how many of each service's operations (IAM, STS, Organizations, sso-admin, identitystore) the AWS API answers (of botocore's models)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="print the README's fragment")
        parser.add_argument(
            "--write-readme", action="store_true", help="rewrite the README's fragment from the code"
        )

    def handle(self, *args, markdown=False, write_readme=False, **options):
        if write_readme:
            readme = Path(settings.BASE_DIR) / "README.md"
            text = readme.read_text()
            if coverage.readme_fragment(text) is None:
                raise CommandError(f"{readme} has no fragment between {coverage.README_START} and its end.")
            readme.write_text(coverage.with_fragment(text))
            self.stdout.write(f"{readme}: {'; '.join(coverage.coverage_lines())}")
            return
        self.stdout.write(coverage.markdown() if markdown else "\n".join(coverage.coverage_lines()))
