"""100 students at once: each signs in to the classroom portal once (all from one IP, 127.0.0.1: the
sign-in throttle's defaults must let them all in), opens their seat's console, then presses "Check my
work" on the users-and-groups lab in a loop (a pause of --think seconds between presses, as a
student reads the result; --think 0 is a closed loop, the server's saturation), against gunicorn
(DEBUG off) on PostgreSQL. The students arrive over --ramp seconds, as locust's spawn rate does. Prints
requests per second, the p50/p95 latency and the errors (any 5xx, any refused sign-in, any response
slower than 10 s); asserts nothing.

    .venv/bin/python bench/classroom_students.py [--students 100] [--seconds 60] [--workers 3] \\
        [--think 10] [--ramp 30] \\
        [--database postgres://postgres@127.0.0.1:5432/iamconsole_bench_students]

The bench recreates the database, migrates it, loads the shipped labs, makes an instructor, a
classroom with the lab and one seat per student (joined through seat_join), then starts gunicorn.
Half the students have done the lab (their checks pass), half not (theirs fail with hints).
"""

import argparse
import http.cookiejar
import os
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = sys.executable
VENV_BIN = pathlib.Path(PYTHON).parent
PASSWORD = "Bench-Student-Passw0rd"
SLOW = 10.0
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPEN_CONSOLE = re.compile(r'action="(/classroom/seats/[0-9a-f-]+/console/)"')
CHECK = re.compile(r'action="(/classroom-labs/\d+/check/)"')

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from access.acting import Acting
from accounts.models import Group, GroupMembership, IAMUser
from classrooms.models import Classroom, ClassroomLab, Lab
from classrooms.services.seats import seat_join
User = get_user_model()
teach = Permission.objects.get(codename="teach", content_type__app_label="classrooms")
ingrid = User.objects.create_user("ingrid@example.com", "ingrid@example.com", "{password}")
ingrid.user_permissions.add(teach)
classroom = Classroom.objects.create(instructor=ingrid, name="Bench class", seat_limit={students})
ClassroomLab.objects.create(classroom=classroom, lab=Lab.objects.get(owner=None, slug="users-and-groups"))
for n in range({students}):
    student = User.objects.create_user(f"s{{n}}@example.com", f"s{{n}}@example.com", "{password}")
    seat = seat_join(classroom=classroom, student=student)
    if n % 2:
        account = seat.account
        alice = IAMUser.objects.create(account=account, name="alice")
        IAMUser.objects.create(account=account, name="Ivan", path="/developers/")
        GroupMembership.objects.create(user=alice, group=Group.objects.create(account=account, name="developers"))
print("ready")
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database, students):
    name = database.rsplit("/", 1)[-1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {**os.environ, "DATABASE_URL": database, "DEBUG": "1"}
    env.pop("CELERY_BROKER_URL", None)  # seats are provisioned inline by seat_join
    for command in (["migrate", "-v0", "--no-input"], ["load_labs"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    setup = SETUP.format(password=PASSWORD, students=students)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", setup], cwd=ROOT, env=env, check=True)


def start_server(database, port, workers):
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on the loopback: the cookies must travel without TLS.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    env.pop("CELERY_BROKER_URL", None)
    # DEBUG off serves the static files WhiteNoise's manifest names.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    return subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "iamconsole.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/classroom/signin/", timeout=10)
            return
        except OSError:  # not listening yet, or still starting (a timeout)
            time.sleep(0.3)
    raise SystemExit("the server did not start")


class Browser:
    """One student's browser: cookies, and every request timed."""

    def __init__(self, base, stats):
        self.base, self.stats = base, stats
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            response = self.opener.open(self.base + path, data=body, timeout=60)
            status, text, final = response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            status, text, final = error.code, error.read().decode(errors="replace"), path
        elapsed = time.perf_counter() - started
        self.stats.record(elapsed, status >= 500 or elapsed > SLOW, f"{status} {path}")
        return status, text, final

    def post_form(self, path, page, fields=()):
        return self.request(path, {"csrfmiddlewaretoken": TOKEN.search(page).group(1), **dict(fields)})


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors, self.checks, self.refused = [], [], 0, 0

    def record(self, elapsed, error, what):
        with self.lock:
            self.latencies.append(elapsed)
            if error:
                self.errors.append(what)


def student(index, base, stats, stop, signed_in, *, delay, think):
    time.sleep(delay)
    browser = Browser(base, stats)
    _, page, _ = browser.request("/classroom/signin/")
    status, page, final = browser.post_form(
        "/classroom/signin/", page, {"email": f"s{index}@example.com", "password": PASSWORD}
    )
    if not final.endswith("/classroom/"):
        with stats.lock:
            stats.refused += 1
            stats.errors.append(f"sign-in refused for s{index} ({status})")
        return
    signed_in.wait()  # every student signs in first; then all of them check at once
    browser.post_form(OPEN_CONSOLE.search(page).group(1), page)
    _, page, _ = browser.request("/classroom-labs/")
    while not stop.is_set():
        _, page, _ = browser.post_form(CHECK.search(page).group(1), page)  # redirected to the labs page
        with stats.lock:
            stats.checks += 1
        stop.wait(think)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=10)
    parser.add_argument("--ramp", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/iamconsole_bench_students")
    args = parser.parse_args()

    started = time.perf_counter()
    prepare(args.database, args.students)
    print(f"setup: {args.students} students with a seat each in {time.perf_counter() - started:.1f} s")
    port = free_port()
    server = start_server(args.database, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        stats, stop, signed_in = Stats(), threading.Event(), threading.Event()
        threads = [
            threading.Thread(
                target=student,
                args=(n, base, stats, stop, signed_in),
                kwargs={"delay": n * args.ramp / args.students, "think": args.think},
            )
            for n in range(args.students)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while len(stats.latencies) < 2 * args.students and any(t.is_alive() for t in threads):
            time.sleep(0.1)  # each student's sign-in page and sign-in
        signins = time.perf_counter() - started
        signed_in.set()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    latencies = sorted(stats.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"{args.students} sign-ins from one IP in {signins:.1f} s, refused: {stats.refused}")
    print(
        f"{len(latencies)} requests in {elapsed:.1f} s: {len(latencies) / elapsed:.1f} requests/s, "
        f"{stats.checks} checks ({stats.checks / args.seconds:.1f}/s), "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms (gunicorn -w {args.workers}, DEBUG off, PostgreSQL, "
        f"think {args.think:g} s, ramp {args.ramp:g} s)"
    )
    print(f"errors (5xx, refused sign-in, slower than {SLOW:.0f} s): {len(stats.errors)}")
    for error in stats.errors[:10]:
        print("  ", error)


if __name__ == "__main__":
    main()
