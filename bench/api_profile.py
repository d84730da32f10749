"""Where an AWS API call's time goes: bench/api.py's round (17 IAM calls, signed with an IAM user's keys,
decided by the engine) against the project served in this process by one WSGI thread, with the server's
CPU time per call, its queries per call and a cProfile of the server's thread. Prints figures; asserts
nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iamc_profile .venv/bin/python bench/api_profile.py \
        [--rounds 30] [--top 40] [--sort tottime] [--queries]

The database must exist (it is migrated here); SQLite when DATABASE_URL is unset.
"""

import argparse
import collections
import cProfile
import io
import os
import pathlib
import pstats
import sys
import threading
import time
import traceback
import uuid
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "profile-" + uuid.uuid4().hex)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from api import iam_client, migrate_and_make_the_caller, one_round, session_clients, sts_round  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--queries", action="store_true", help="print each call's SQL once")
    parser.add_argument("--only", default="", help="restrict the profile's listing to paths matching this")
    parser.add_argument(
        "--no-profile", action="store_true", help="only time and count (no profiler overhead)"
    )
    parser.add_argument("--sts", action="store_true", help="the STS phase's round (a role session's calls)")
    parser.add_argument("--dump", default="", help="write the profile's stats to this file")
    args = parser.parse_args()

    account_id, key, secret = migrate_and_make_the_caller(dict(os.environ))

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    django_app = get_wsgi_application()
    profiler = cProfile.Profile()
    cpu = collections.defaultdict(float)
    calls = collections.Counter()
    queries = collections.defaultdict(int)
    shown = {}
    state = {"profiling": False}

    def count(execute, sql, params, many, context):
        queries[state["action"]] += 1
        if args.queries and state["action"] not in shown:
            where = [
                f"{frame.filename.removeprefix(str(ROOT) + '/')}:{frame.lineno}"
                for frame in traceback.extract_stack()
                if frame.filename.startswith(str(ROOT))
                and "/.venv/" not in frame.filename
                and "bench/" not in frame.filename
            ]
            state["sql"].append(f"{sql[:160]}\n        ← {' ← '.join(reversed(where[-4:]))}")
        return execute(sql, params, many, context)

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        action = dict(pair.split("=", 1) for pair in body.decode().split("&") if "=" in pair).get(
            "Action", "?"
        )
        environ["wsgi.input"] = io.BytesIO(body)
        state["action"], state["sql"] = action, []
        started = time.thread_time()
        with connection.execute_wrapper(count):
            if state["profiling"]:
                profiler.enable()
            try:
                return django_app(environ, start_response)
            finally:
                if state["profiling"]:
                    profiler.disable()
                cpu[action] += time.thread_time() - started
                calls[action] += 1
                if args.queries and action not in shown:
                    shown[action] = state["sql"]

    server = make_server("127.0.0.1", 0, app, server_class=WSGIServer, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    if args.sts:
        iam, one_round_of = session_clients(url, (key, secret), account_id), sts_round
    else:
        iam, one_round_of = iam_client(url, key, secret), one_round
    for _ in range(3):  # warm up: imports, models, the catalog
        one_round_of(iam, account_id, uuid.uuid4().hex[:8])
    cpu.clear(), calls.clear(), queries.clear(), shown.clear()
    state["profiling"] = not args.no_profile
    started = time.monotonic()
    for _ in range(args.rounds):
        one_round_of(iam, account_id, uuid.uuid4().hex[:8])
    elapsed = time.monotonic() - started
    state["profiling"] = False
    server.shutdown()

    total = sum(calls.values())
    print(
        f"{total} calls in {elapsed:.2f}s: {1000 * elapsed / total:.1f} ms per call end to end (one thread)"
    )
    print(
        f"server CPU {1000 * sum(cpu.values()) / total:.2f} ms per call, {sum(queries.values()) / total:.1f} queries"
    )
    for action in sorted(calls):
        n = calls[action]
        print(f"  {action:28} {1000 * cpu[action] / n:6.2f} ms CPU  {queries[action] / n:5.1f} queries")
    if args.queries:
        for action, sqls in sorted(shown.items()):
            print(f"\n{action}:")
            for sql in sqls:
                print("   ", sql)
    if args.no_profile:
        return
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    if args.dump:
        stats.dump_stats(args.dump)
    stats.print_stats(*([args.only] if args.only else []), args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
