"""Load and faults: the planner under gunicorn on PostgreSQL, then PostgreSQL restarted mid-run.

Run: `.venv/bin/python bench/load.py` (about 2 minutes, or `make load`); `--quick` for a smoke
run (8 clients, 8 s); `--help` for the knobs. Needs PostgreSQL's server binaries
(/usr/lib/postgresql/*/bin); as root it runs them as the `postgres` user. Loopback only,
bounded in time, and it removes everything it started or wrote, also on Ctrl-C or an error.

1. A throwaway PostgreSQL cluster in a temp dir on its own port (55432, or a free one if taken;
   never the shared 5432): migrated, the demo loaded, plus 12 delegates and --seed-meetings
   (46) meetings so a delegate's feed has ~40-50 meetings, and a coordinator login.
2. gunicorn (`config.wsgi`, --workers 3, `-c config/gunicorn.conf.py` if present, no
   recycling after N requests) with DEBUG off and production settings from the environment;
   only STATIC_ROOT moves into the temp dir.
3. --clients threads with keep-alive connections: a quarter are coordinators, logged in through
   the login form, reading the agenda; the rest are delegates polling random feeds, half of the
   time with If-None-Match (304 expected). One writer creates a meeting through the planner's
   form (GET the form, POST it with its CSRF token), edits it three times, and so on; a 302 to
   the agenda is an acknowledged write.
   Kinds in the output: feed, feed-conditional, agenda, form (the writer's GET), write.
4. Steady phase (--seconds, after 2 s of warm-up): requests per second, p50 and p99 latency,
   errors by kind and status, CPU used by gunicorn, PostgreSQL and the clients (on a shared
   machine that says how much of it the server got), and one client's latency alone.
5. Fault phase: `pg_ctl stop -m fast`, --down seconds, started again. Reports the answers while
   down (errors there are expected), errors outside the down window (must be 0), recovery: from
   PostgreSQL accepting connections to the first successful response of each kind, whether
   gunicorn or any worker restarted, gunicorn's log lines and tracebacks from the stop on, and
   every acknowledged write looked up in the meeting's row and history.
Exits 1 if the steady phase had errors, an error fell outside the down window, a kind never
recovered (within --after seconds), gunicorn restarted, or an acknowledged write is missing.
"""

import argparse
import glob
import html.parser
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import gunicorn
import psycopg2

ROOT = Path(__file__).resolve().parents[1]
SLUG = "vtm-michigan-2025"
# Production-like, but for the settings module that only moves STATIC_ROOT into the temp dir.
PRODUCTION_ENV = (
    "DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 CONN_MAX_AGE=60 REDIS_URL= "
    "DJANGO_SETTINGS_MODULE=load_settings"
)
KINDS = ("feed", "feed-conditional", "agenda", "form", "write")
OK = {"feed": {200}, "feed-conditional": {200, 304}, "agenda": {200}, "form": {200}, "write": {302}}

# Run by `manage.py shell` in the new database: delegates and meetings so feeds are realistic.
SEED = """
import json, random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from django.contrib.auth import get_user_model
from delegations.models import DelegationMember, Person
from delegations.services import delegation_add_member, person_save
from meetings.services import meeting_schedule
from missions.models import Mission
mission = Mission.objects.get(slug=%(slug)r)
for n in range(12):
    person = person_save(person=Person(first_name="Load", last_name=f"Delegate {n}",
                                       email=f"load{n}@example.org"))
    delegation_add_member(mission=mission, person=person)
members = list(DelegationMember.objects.filter(mission=mission))
tz = ZoneInfo(mission.timezone)
rng = random.Random(7)
for n in range(%(meetings)d):
    day = mission.start_date + timedelta(days=n %% 3)
    start = datetime(day.year, day.month, day.day, 8 + n %% 10, 15 * (n %% 4), tzinfo=tz)
    meeting_schedule(mission=mission, title=f"Seeded meeting {n}", start=start,
                     end=start + timedelta(minutes=45), attendees=rng.sample(members, 16),
                     description="Agenda item " * 20)
user = get_user_model().objects.create_user("load-coordinator", password=%(password)r)
mission.coordinators.add(user)
print("SEED" + json.dumps({"tokens": [m.token for m in members],
                          "meetings": mission.meetings.count()}))
"""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(min(rank, len(ordered))) - 1]


def summarize(samples: list[tuple], seconds: float) -> dict:
    """samples: (kind, t0, t1, label, ok). Rate, latency (ms) and errors by kind:label."""
    latencies = [(t1 - t0) * 1000 for _, t0, t1, _, _ in samples]
    errors = Counter(f"{kind}:{label}" for kind, _, _, label, ok in samples if not ok)
    return {
        "requests": len(samples),
        "rps": len(samples) / seconds if seconds > 0 else 0.0,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "errors": sum(errors.values()),
        "by_kind": dict(sorted(errors.items())),
        "labels": Counter(label for _, _, _, label, _ in samples),
    }


def run(command: list[str], check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """A child in its own session (Ctrl-C reaches only us, and we clean up in order)."""
    done = subprocess.run(command, capture_output=True, text=True, start_new_session=True, **kwargs)
    if check and done.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} failed:\n{done.stdout}{done.stderr}"[-4000:])
    return done


def children(pid: int) -> set[int]:
    return set(map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split()))


def cpu_seconds(pids: set[int]) -> float:
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port(preferred: int = 0) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL does
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


class FormInputs(html.parser.HTMLParser):
    """The inputs of every <form> on a page: forms[i] = {name: [(type, value), ...]}."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif tag == "input" and self.forms and attrs.get("name"):
            entry = (attrs.get("type", "text"), attrs.get("value") or "")
            self.forms[-1].setdefault(attrs["name"], []).append(entry)


def meeting_fields(page: str, n: int, rng: random.Random) -> dict | None:
    """What the writer posts for its n-th write, from the meeting form page (None: no form).
    Hidden inputs (CSRF token, a version...) go back as they came; the rest is ours."""
    form = next((f for f in FormInputs(page).forms if "title" in f), None)
    if form is None:
        return None
    fields = {name: v[0][1] for name, v in form.items() if v[0][0] == "hidden"}
    day, hour = f"2025-04-{22 + n % 3}", 8 + n % 10
    fields.update(title=f"Load write {n}", kind="b2b", status="confirmed")
    fields.update(start_0=day, start_1=f"{hour:02d}:00", end_0=day, end_1=f"{hour:02d}:40")
    members = [value for _, value in form.get("attendees", [])]
    fields["attendees"] = rng.sample(members, min(2, len(members)))
    return fields


class Browser:
    """One keep-alive HTTP connection with a cookie jar; reconnects when the server closed it."""

    def __init__(self, port: int):
        self.port, self.conn, self.cookies, self.last = port, None, {}, 0.0

    def request(self, method: str, path: str, fields: dict | None = None, headers=None):
        body = urlencode(fields, doseq=True) if fields is not None else None
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None or time.monotonic() - self.last > 1.0:
                self.close()  # an idle keep-alive connection may be closed under our feet
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        self.last = time.monotonic()
        if response.will_close:
            self.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def login(self, username: str, password: str):
        _, _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, _, _ = self.request("POST", "/accounts/login/", fields)
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


class Load:
    """Client threads recording (kind, t0, t1, label, ok) samples; the writer's acked writes."""

    def __init__(self, port, tokens, password, clients, write_pause):
        self.port, self.tokens, self.password = port, tokens, password
        self.clients, self.write_pause = clients, write_pause
        self.stop = threading.Event()
        self.samples: list[tuple] = []
        self.writes: list[dict] = []  # every attempt: pk, title, acked
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def timed(self, browser, kind, method, path, fields=None, headers=None):
        t0 = time.monotonic()
        try:
            status, response_headers, page = browser.request(method, path, fields, headers)
            label = str(status) + ("+Retry-After" if response_headers.get("Retry-After") else "")
            ok = status in OK[kind]
        except Exception as exc:  # noqa: BLE001 - every failure is a figure
            status, response_headers, page, label, ok = 0, {}, "", type(exc).__name__, False
        with self.lock:
            self.samples.append((kind, t0, time.monotonic(), label, ok))
        return status, response_headers, page, ok

    def delegate(self, index):
        browser, etags, rng = Browser(self.port), {}, random.Random(index)
        while not self.stop.is_set():
            token = rng.choice(self.tokens)
            path = f"/d/{token}/calendar.ics"
            if token in etags and rng.random() < 0.5:
                self.timed(
                    browser, "feed-conditional", "GET", path, None, {"If-None-Match": etags[token]}
                )
            else:
                _, headers, _, ok = self.timed(browser, "feed", "GET", path)
                if ok and headers.get("ETag"):
                    etags[token] = headers["ETag"]

    def coordinator(self, browser):
        while not self.stop.is_set():
            self.timed(browser, "agenda", "GET", f"/missions/{SLUG}/agenda/")

    def writer(self, browser):
        rng, n, pk, edits = random.Random(0), 0, None, 0
        while not self.stop.is_set():
            n += 1
            path = f"/missions/{SLUG}/meetings/" + (f"{pk}/edit/" if pk and edits < 3 else "new/")
            _, _, page, ok = self.timed(browser, "form", "GET", path)
            fields = meeting_fields(page, n, rng) if ok else None
            if fields is None:
                self.stop.wait(self.write_pause)
                continue
            attempt = {"pk": pk if "edit" in path else None, "title": fields["title"], "acked": 0}
            with self.lock:
                self.writes.append(attempt)
            status, headers, _, ok = self.timed(browser, "write", "POST", path, fields)
            found = re.search(r"#meeting-(\d+)", headers.get("Location", "")) if ok else None
            if found:
                attempt.update(pk=int(found.group(1)), acked=1)
                pk, edits = (attempt["pk"], 0) if "new/" in path else (pk, edits + 1)
            self.stop.wait(self.write_pause)

    def start(self, login_as: str):
        coordinators = max(1, self.clients // 4)
        for index in range(self.clients):
            if index < coordinators:
                browser = Browser(self.port)
                browser.login(login_as, self.password)
                target, args = self.coordinator, (browser,)
            else:
                target, args = self.delegate, (index,)
            self.threads.append(threading.Thread(target=target, args=args, daemon=True))
        writer = Browser(self.port)
        writer.login(login_as, self.password)
        self.threads.append(threading.Thread(target=self.writer, args=(writer,), daemon=True))
        for thread in self.threads:
            thread.start()

    def baseline(self, login_as: str, rounds: int = 5) -> dict:
        """Median latency (ms) of one client alone, per kind: what the machine gives unloaded."""
        browser, feed = Browser(self.port), f"/d/{self.tokens[0]}/calendar.ics"
        browser.login(login_as, self.password)
        paths = {"feed": feed, "agenda": f"/missions/{SLUG}/agenda/"}
        medians = {}
        for kind, path in paths.items():
            times = []
            for _ in range(rounds):
                t0 = time.monotonic()
                browser.request("GET", path)
                times.append((time.monotonic() - t0) * 1000)
            medians[kind] = percentile(times, 50)
        return medians

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=25)

    def between(self, start: float, end: float) -> list[tuple]:
        with self.lock:
            return [s for s in self.samples if start <= s[2] < end]


class Stack:
    """The throwaway PostgreSQL cluster and gunicorn; `close()` removes everything."""

    def __init__(self, args):
        self.args, self.gunicorn, self.log = args, None, None
        self.tmp = Path(tempfile.mkdtemp(prefix="load-"))
        self.data = self.tmp / "pgdata"
        self.pg_port = free_port(args.pg_port)
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.tmp, "postgres", "postgres")
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
        self.bin = Path(bins[-1]) if bins else Path(shutil.which("pg_ctl") or "pg_ctl").parent
        self.dsn = f"postgres://postgres@127.0.0.1:{self.pg_port}/missions"

    def pg(self, *command, check=True):
        return run([*self.as_pg, str(self.bin / command[0]), *command[1:]], check=check)

    def start_pg(self):
        options = f"-p {self.pg_port} -k {self.tmp} -c listen_addresses=127.0.0.1"
        # -W: no wait; wait_ready() polls every 10 ms, finer than pg_ctl's own 100 ms.
        self.pg(*f"pg_ctl start -W -D {self.data} -l {self.tmp}/pg.log".split(), "-o", options)

    def stop_pg(self, mode="fast", check=True):
        self.pg(*f"pg_ctl stop -w -m {mode} -D {self.data}".split(), check=check)

    def connect(self, database: str = "missions"):
        return psycopg2.connect(self.dsn.replace("/missions", f"/{database}"), connect_timeout=2)

    def wait_ready(self, seconds: float = 30) -> float:
        """When PostgreSQL accepts connections again (monotonic clock)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.connect("postgres").close()
                return time.monotonic()
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def setup(self) -> dict:
        self.pg(*f"initdb -D {self.data} -U postgres --auth=trust -E UTF8".split())
        self.start_pg()
        self.wait_ready()
        self.pg(*f"createdb -h 127.0.0.1 -p {self.pg_port} -U postgres missions".split())
        self.port = free_port()
        (self.tmp / "load_settings.py").write_text(
            f"from config.settings import *  # noqa\nSTATIC_ROOT = {str(self.tmp / 'static')!r}\n"
        )
        self.env = {
            **os.environ,
            **dict(item.split("=", 1) for item in PRODUCTION_ENV.split()),
            "DATABASE_URL": self.dsn,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "PYTHONPATH": os.pathsep.join([str(self.tmp), str(ROOT)]),
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
            run([*manage, *command], env=self.env, cwd=ROOT)
        password = secrets.token_urlsafe(16)
        seed = SEED % {"slug": SLUG, "password": password, "meetings": self.args.seed_meetings}
        seeded = run([*manage, "shell", "-c", seed], env=self.env, cwd=ROOT)
        line = next(ln for ln in seeded.stdout.splitlines() if ln.startswith("SEED"))
        return {**json.loads(line[4:]), "password": password}

    def start_gunicorn(self):
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if (ROOT / "config" / "gunicorn.conf.py").exists():
            command += ["-c", str(ROOT / "config" / "gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.args.workers)]
        # No recycling after N requests: a new worker pid then means a crash or a timeout.
        command += ["--max-requests", "0"]
        if gunicorn.version_info >= (25, 1):  # its control socket's path is one per user
            command += ["--no-control-socket"]
        self.log = open(self.tmp / "gunicorn.log", "w+b")  # noqa: SIM115 - closed in close()
        self.gunicorn = subprocess.Popen(
            command,
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_text()[-3000:])
            if len(self.workers()) == self.args.workers:
                try:
                    Browser(self.port).request("GET", "/accounts/login/")
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in 30 s")

    def workers(self) -> set[int]:
        return children(self.gunicorn.pid)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time (user + system) used so far by gunicorn's workers, by PostgreSQL's processes."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return cpu_seconds(self.workers()), cpu_seconds(children(postmaster) | {postmaster})

    def log_text(self) -> str:
        return (self.tmp / "gunicorn.log").read_text(errors="replace")

    def close(self):
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            try:
                self.gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()
        if self.log is not None:
            self.log.close()
        if (self.data / "postmaster.pid").exists():
            self.stop_pg("immediate", check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def table(rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(str(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows[1:]])


def fault(stack: Stack, load: Load, args) -> dict:
    """Stop PostgreSQL, keep it down, start it; watch answers and recovery of every kind."""
    time.sleep(1)
    t_stop = time.monotonic()
    stack.stop_pg("fast")
    time.sleep(args.down)
    stack.start_pg()
    t_ready = stack.wait_ready()
    deadline = t_ready + args.after
    while time.monotonic() < deadline:
        time.sleep(0.2)
        after = [s for s in load.between(t_ready, time.monotonic()) if s[1] > t_stop]
        if time.monotonic() > t_ready + 2 and {s[0] for s in after if s[4]} >= set(KINDS):
            break
    t_end = time.monotonic()
    phase = load.between(t_stop, t_end)
    overlapping = [s for s in phase if s[1] <= t_ready]  # started before PostgreSQL was back
    recovery = {}
    for kind in KINDS:
        done = [s[2] for s in phase if s[0] == kind and s[4] and s[2] >= t_ready and s[1] > t_stop]
        recovery[kind] = (min(done) - t_ready) if done else None
    return {
        "down_s": t_ready - t_stop,
        "answers_while_down": Counter(f"{s[0]}:{s[3]}" for s in overlapping),
        "errors_while_down": sum(1 for s in overlapping if not s[4]),
        "t_ready": t_ready,
        "recovery": recovery,
        "t_stop": t_stop,
    }


def lost_writes(writes: list[dict], history: set[tuple], current: dict) -> list[str]:
    """Acknowledged writes missing from the database. writes: every attempt in order
    ({pk, title, acked}); history: (pk, title) of every historical row; current: pk -> title.
    Each acknowledged write must be in the history, and the newest attempt on a meeting in the
    row itself (after an unacknowledged attempt the row may hold either)."""
    lost = []
    for index, write in enumerate(writes):
        if not write["acked"]:
            continue
        later = any(w["pk"] == write["pk"] for w in writes[index + 1 :])
        in_row = later or current.get(write["pk"]) == write["title"]
        if (write["pk"], write["title"]) not in history or not in_row:
            lost.append(f"{write['title']} (meeting {write['pk']})")
    return lost


def verify_writes(stack: Stack, writes: list[dict]) -> tuple[int, list[str]]:
    pks = [w["pk"] for w in writes if w["acked"]] or [0]
    with stack.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, title FROM meetings_historicalmeeting WHERE id = ANY(%s)", [pks])
        history = set(cursor.fetchall())
        cursor.execute("SELECT id, title FROM meetings_meeting WHERE id = ANY(%s)", [pks])
        current = dict(cursor.fetchall())
    connection.close()
    return sum(w["acked"] for w in writes), lost_writes(writes, history, current)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, help="concurrent clients (32; --quick: 8)")
    parser.add_argument("--seconds", type=float, help="steady phase length (30; --quick: 8)")
    parser.add_argument("--workers", type=int, default=3, choices=(2, 3, 4))
    parser.add_argument("--down", type=float, help="seconds PostgreSQL is down (3; --quick: 2)")
    parser.add_argument("--after", type=float, default=30, help="max seconds to wait to recover")
    parser.add_argument("--write-pause", type=float, default=0.2, help="writer's pause (s)")
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--seed-meetings", type=int, default=46, help="added to the demo's 12")
    parser.add_argument("--quick", action="store_true", help="smoke run: 8 clients, 8 s")
    args = parser.parse_args()
    for name, full, quick in (("clients", 32, 8), ("seconds", 30, 8), ("down", 3, 2)):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    # Ctrl-C (even when started in the background) and SIGTERM both end in the cleanup below.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack, load = Stack(args), None
    try:
        print(f"PostgreSQL {stack.bin.parent.name} on 127.0.0.1:{stack.pg_port} in {stack.tmp}")
        seeded = stack.setup()
        stack.start_gunicorn()
        workers_before = stack.workers()
        print(
            f"gunicorn {args.workers} workers on 127.0.0.1:{stack.port}; "
            f"{len(seeded['tokens'])} delegates, {seeded['meetings']} meetings; "
            f"{args.clients} clients + 1 writer"
        )
        load = Load(
            stack.port, seeded["tokens"], seeded["password"], args.clients, args.write_pause
        )
        baseline = load.baseline("load-coordinator")
        load.start("load-coordinator")
        time.sleep(2)  # warm-up, not measured
        t0, cpu0, own0 = time.monotonic(), stack.cpu_seconds(), time.process_time()
        time.sleep(args.seconds)
        cpu = [b - a for a, b in zip(cpu0, stack.cpu_seconds(), strict=True)]
        cpu.append(time.process_time() - own0)
        samples, seconds = load.between(t0, time.monotonic()), time.monotonic() - t0
        steady = summarize(samples, seconds)
        per_kind = {k: summarize([s for s in samples if s[0] == k], seconds) for k in KINDS}
        log_before = len(stack.log_text().splitlines())  # the outage's log lines come after
        outage = fault(stack, load, args)
        load.finish()
        log = stack.log_text().splitlines()[log_before:]
        tracebacks = sum(1 for line in log if line.startswith("Traceback"))
        down = (outage["t_stop"], outage["t_ready"])
        outside = Counter(
            f"{kind}:{label}"
            for kind, t0, t1, label, ok in load.samples
            if not ok and not (t0 <= down[1] and t1 >= down[0])
        )
        restarted = stack.gunicorn.poll() is not None or stack.workers() != workers_before
        acked, lost = verify_writes(stack, load.writes)
    except KeyboardInterrupt:
        print("interrupted: cleaning up", file=sys.stderr)
        return 130
    finally:
        if load is not None:
            load.stop.set()
        stack.close()

    recovered = all(v is not None for v in outage["recovery"].values())
    load_avg = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nSteady phase by kind (errors): {steady['by_kind'] or 'none'}")
    answers = outage["answers_while_down"]
    print(f"While down: {dict(sorted(answers.items()))}")
    print(f"Errors outside the down window: {dict(outside) or 'none'}")
    if lost:
        print("Lost writes: " + ", ".join(lost[:20]))
    rows = [
        ("measure", "value"),
        ("clients / gunicorn workers", f"{args.clients} + 1 writer / {args.workers}"),
        ("steady: requests per second", f"{steady['rps']:.1f} ({steady['requests']} requests)"),
        ("steady: p50 / p99 latency", f"{steady['p50']:.0f} ms / {steady['p99']:.0f} ms"),
        ("steady: errors", steady["errors"]),
        (
            "steady: CPU s of gunicorn workers / PostgreSQL / clients",
            f"{cpu[0]:.1f} / {cpu[1]:.1f} / {cpu[2]:.1f} (of {os.cpu_count() * args.seconds:.0f})",
        ),
        (
            "one client alone: feed / agenda",
            f"{baseline['feed']:.0f} ms / {baseline['agenda']:.0f} ms",
        ),
        ("PostgreSQL down (stop to accepting)", f"{outage['down_s']:.1f} s"),
        ("errors while down", outage["errors_while_down"]),
        ("statuses while down", ", ".join(sorted({k.split(":")[1] for k in answers}))),
        ("errors outside the down window", sum(outside.values())),
        ("gunicorn log: lines / tracebacks from the stop on", f"{len(log)} / {tracebacks}"),
        *(
            (f"recovery: {kind}", "never" if v is None else f"{v:.2f} s")
            for kind, v in outage["recovery"].items()
        ),
        ("gunicorn or a worker restarted", "yes" if restarted else "no"),
        ("acknowledged writes / found / lost", f"{acked} / {acked - len(lost)} / {len(lost)}"),
        ("load average (1, 5, 15 min)", load_avg),
    ]
    kinds = [(k, f"{v['rps']:.1f}", f"{v['p50']:.0f}", f"{v['p99']:.0f}", v["errors"],
              ", ".join(f"{n}×{label}" for label, n in sorted(v["labels"].items())))
             for k, v in per_kind.items()]  # fmt: skip
    head = ("steady phase", "req/s", "p50 ms", "p99 ms", "errors", "answers")
    print("\n" + table([head, *kinds]))
    print("\n" + table(rows))
    failed = steady["errors"] or outside or lost or not recovered or restarted
    print("\nRESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
