"""Benchmark (acceptance): concurrent agents against a real `ticketdesk serve`, lost writes counted.

`ticketdesk serve` (gunicorn and the task worker as child processes) runs on the embedded
default, SQLite in a fresh data directory holding the demo data, `ticketdesk generate`
tickets and one account per agent. Each agent is a thread with its own session: it signs
in through the login form and then works in a realistic mix (ticket list with filters,
ticket page, reply, note, field change, accept/assign to me, new ticket, search, CSV
export), with the CSRF token parsed from the pages, as a browser without JavaScript does.

Reported: p50/p95 per request kind, errors (any 5xx, an unexpected status, a network
error or timeout) and lost writes: after the run every reply, note, field change,
assignment and new ticket that got a success answer must be in the database. Then the
same run again while wrong-password clients, each from its own loopback address, hammer
the sign-in form (they should be locked out with 429), and the agents' p95 with and
without them.

    make bench BENCH_ARGS="-k concurrent_agents"
    BENCH_AGENTS=10 BENCH_SECONDS=20 BENCH_WRONG_PASSWORD_CLIENTS=4 \\
        .venv/bin/python tests/bench/bench_concurrent_agents.py

Environment: BENCH_AGENTS (50), BENCH_SECONDS per run (180), BENCH_WRONG_PASSWORD_CLIENTS
(16; 0 skips the second run), BENCH_TICKETS generated (2000), BENCH_THINK_SECONDS mean
pause between an agent's actions (1.0; 0 for a stress test), BENCH_KEEP_DATA_DIR=1 keeps
the data directory (its path is printed).
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

AGENTS = int(os.environ.get("BENCH_AGENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "180"))
WRONG_PASSWORD_CLIENTS = int(os.environ.get("BENCH_WRONG_PASSWORD_CLIENTS", "16"))
TICKETS = int(os.environ.get("BENCH_TICKETS", "2000"))
THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", "1.0"))
KEEP_DATA_DIR = os.environ.get("BENCH_KEEP_DATA_DIR", "") == "1"

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "bench-agent-password"
REQUEST_TIMEOUT_SECONDS = 120
# Only these pass from the calling shell to the server: DATABASE_URL, EMAIL_URL and the
# like would steer it away from the embedded default under test.
PASSED_THROUGH = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ")

# What an agent does, with weights: mostly reading, a fair share of writing.
MIX = {
    "ticket list": 20,
    "ticket page": 20,
    "reply": 10,
    "note": 10,
    "field change": 10,
    "accept/assign": 8,
    "new ticket": 5,
    "search": 12,
    "csv export": 5,
}

SETUP_SCRIPT = """
import json, random
from ticketdesk.accounts.models import Role, User
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Priority, Ticket
for n in range({agents}):
    User.objects.create_user(
        f"bench-agent{{n}}@example.com", {password!r}, full_name=f"Bench Agent {{n}}",
        role=Role.AGENT, is_support_team=True, language="en",
    )
tickets = list(
    Ticket.objects.filter(status__is_closed=False).order_by("-opened_at")
    .values_list("number", flat=True)[:400]
)
customers = [
    {{"pk": c.pk, "number": c.number, "name": c.name}}
    for c in Customer.objects.filter(contacts__isnull=False).distinct().order_by("pk")[:200]
]
words = sorted({{w for s in Ticket.objects.values_list("subject", flat=True)[:500]
                for w in s.split() if len(w) > 5}})
print(json.dumps({{
    "tickets": tickets, "customers": customers, "words": words[:100],
    "priorities": list(Priority.objects.filter(is_active=True).values_list("pk", flat=True)),
}}))
"""

VERIFY_SCRIPT = """
import json
from collections import Counter
from ticketdesk.tickets.models import Message, Ticket, TicketEvent
writes = json.load(open({path!r}))
missing = {{}}
def check(kind, ok):
    missing[kind] = [w for w in writes.get(kind, []) if not ok(w)]
check("reply", lambda w: Message.objects.filter(
    ticket__number=w["ticket"], text__contains=w["marker"]).exists())
check("note", lambda w: Message.objects.filter(
    ticket__number=w["ticket"], text__contains=w["marker"]).exists())
check("field change", lambda w: TicketEvent.objects.filter(
    ticket__number=w["ticket"], field="estimated_resolution_date", new_key=w["date"],
    actor__email=w["agent"]).exists())
check("new ticket", lambda w: Ticket.objects.filter(subject=w["subject"]).exists())
done = Counter((w["ticket"], w["agent"]) for w in writes.get("accept/assign", []))
events = Counter(TicketEvent.objects.filter(action__in=["accepted", "assigned"],
    actor__email__startswith="bench-agent").values_list("ticket__number", "actor__email"))
missing["accept/assign"] = [
    {{"ticket": t, "agent": a, "answered": n, "in_database": events[(t, a)]}}
    for (t, a), n in done.items() if events[(t, a)] < n
]
print(json.dumps(missing))
"""


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """`ticketdesk serve` on a fresh SQLite data directory, prepared for the agents."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    fixtures: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}
        env.update(
            TICKETDESK_DATA_DIR=str(self.data_dir),
            HOST=HOST,
            PORT=str(self.port),
            LANGUAGE_CODE="en",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def ticketdesk(self, *args: str, timeout: float = 1800) -> str:
        done = subprocess.run(
            [str(BIN / "ticketdesk"), *args],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ticketdesk {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self, *, agents: int, tickets: int) -> None:
        started = time.perf_counter()
        self.ticketdesk("migrate", "--verbosity", "0")
        self.ticketdesk("load_demo")
        self.ticketdesk("generate", "--tickets", str(tickets), "--seed", "8")
        script = SETUP_SCRIPT.format(agents=agents, password=PASSWORD)
        self.fixtures = json.loads(self.ticketdesk("shell", "-c", script).splitlines()[-1])
        print(
            f"prepared {self.data_dir}: demo data, {tickets} generated tickets, "
            f"{agents} agents in {time.perf_counter() - started:.0f} s"
        )

    def start(self) -> None:
        log = (self.data_dir / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "ticketdesk"), "serve"],
            env=self.env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Browser(self.port).get("/accounts/login/").status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"serve did not answer within 120 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        path = self.data_dir / "serve.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- one browser session ------------------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    body: str
    content_type: str


class Browser:
    """A cookie-keeping HTTP client, one connection per request, from a chosen address."""

    def __init__(self, port: int, *, source_ip: str = "") -> None:
        self.port = port
        self.source = (source_ip, 0) if source_ip else None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Response:
        connection = http.client.HTTPConnection(
            HOST, self.port, timeout=REQUEST_TIMEOUT_SECONDS, source_address=self.source
        )
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            for header in raw.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return Response(
                raw.status,
                raw.getheader("Location", ""),
                content.decode("utf-8", "replace"),
                raw.getheader("Content-Type", ""),
            )
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any]) -> Response:
        return self.request("POST", path, data)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page) or CSRF_HEADER.search(page)
    if found is None:
        raise LookupError("no CSRF token on the page")
    return found.group(1)


def flash_level(page: str) -> str:
    """The level of the message shown after a redirect: success, error, ... or ''."""
    found = re.search(r'class="message message-(\w+)', page)
    return found.group(1) if found else ""


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select is None:
        return ""
    option = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return option.group(1) if option else ""


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return found.group(1) if found else ""


# --- what the clients record ---------------------------------------------------------------


class Unexpected(Exception):
    """An answer that is an error: a 5xx, a status the action never gives, a broken page."""


@dataclass
class Recorder:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    writes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    attackers: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, browser: Browser, method: str, path: str, data=None) -> Response:
        start = time.perf_counter()
        try:
            response = browser.request(method, path, data)
        except (OSError, http.client.HTTPException) as exc:
            raise Unexpected(f"{kind} {method} {path}: {type(exc).__name__}: {exc}") from exc
        seconds = time.perf_counter() - start
        with self.lock:
            self.timings[kind].append(seconds)
        if response.status >= 500:
            raise Unexpected(f"{kind} {method} {path}: HTTP {response.status}")
        return response

    def error(self, detail: str) -> None:
        with self.lock:
            self.errors.append(detail)

    def wrote(self, kind: str, **record: Any) -> None:
        with self.lock:
            self.writes[kind].append(record)

    def refuse(self, kind: str) -> None:
        with self.lock:
            self.refused[kind] += 1


def expect(response: Response, *statuses: int, what: str) -> Response:
    if response.status not in statuses:
        raise Unexpected(f"{what}: HTTP {response.status}, expected {statuses}")
    return response


# --- the agents ------------------------------------------------------------------------------

_sequence = itertools.count(1)


@dataclass
class Agent:
    email: str
    browser: Browser
    recorder: Recorder
    fixtures: dict[str, Any]
    rng: random.Random

    def sign_in(self) -> None:
        page = expect(self.browser.get("/accounts/login/"), 200, what="login page")
        response = self.recorder.timed(
            "sign in",
            self.browser,
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": csrf_token(page.body),
                "username": self.email,
                "password": PASSWORD,
            },
        )
        expect(response, 302, what=f"sign-in of {self.email}")

    def page(self, kind: str, path: str) -> Response:
        response = self.recorder.timed(kind, self.browser, "GET", path)
        return expect(response, 200, what=f"{kind} {path}")

    def after_post(self, kind: str, response: Response, number: int) -> bool:
        """Follow the redirect back to the ticket; True when it says the action succeeded."""
        expect(response, 302, what=kind)
        if urlsplit(response.location).path != f"/tickets/{number}/":
            raise Unexpected(f"{kind}: redirected to {response.location}")
        level = flash_level(self.page("ticket page", f"/tickets/{number}/").body)
        if level == "success":
            return True
        if level == "error":
            self.recorder.refuse(kind)
            return False
        raise Unexpected(f"{kind}: no message after the redirect")

    def ticket(self) -> int:
        return self.rng.choice(self.fixtures["tickets"])

    def act(self) -> None:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        getattr(self, "do_" + kind.replace(" ", "_").replace("/", "_"))(kind)

    def do_ticket_list(self, kind: str) -> None:
        params = self.rng.choice(
            [
                {},
                {"view": "mine"},
                {"view": "unassigned"},
                {"view": "all", "sort": "-priority"},
                {"view": "all", "priority": self.rng.choice(self.fixtures["priorities"])},
                {"view": "all", "customer": self.rng.choice(self.fixtures["customers"])["number"]},
                {"view": "closed", "page": self.rng.randint(1, 5)},
            ]
        )
        self.page(kind, "/tickets/?" + urlencode(params))

    def do_ticket_page(self, kind: str) -> None:
        self.page(kind, f"/tickets/{self.ticket()}/")

    def _write_text(self, kind: str, path: str) -> None:
        number = self.ticket()
        page = self.page("ticket page", f"/tickets/{number}/")
        marker = f"bench-{kind}-{next(_sequence)}-{self.email}"
        data = {
            "csrfmiddlewaretoken": csrf_token(page.body),
            "text": f"Checked the line again ({marker}).",
            "notify_requester": "on",
        }
        response = self.recorder.timed(
            kind, self.browser, "POST", f"/tickets/{number}/{path}/", data
        )
        if self.after_post(kind, response, number):
            self.recorder.wrote(kind, ticket=number, marker=marker)

    def do_reply(self, kind: str) -> None:
        self._write_text(kind, "reply")

    def do_note(self, kind: str) -> None:
        self._write_text(kind, "note")

    def do_field_change(self, kind: str) -> None:
        number = self.ticket()
        page = self.page("ticket page", f"/tickets/{number}/").body
        # A date of its own for every change, so each one can be found in the events.
        date = datetime.date(2030, 1, 1) + datetime.timedelta(days=next(_sequence))
        data = {
            "csrfmiddlewaretoken": csrf_token(page),
            "expected_version": hidden(page, "expected_version"),
            "estimated_resolution_date": date.isoformat(),
            # The other fields as the page shows them: only the date changes.
            **{
                name: selected(page, name)
                for name in ("priority", "status", "category", "subcategory", "team")
            },
        }
        response = self.recorder.timed(
            kind, self.browser, "POST", f"/tickets/{number}/fields/", data
        )
        if response.status == 200:
            # The form again. Expected only when someone changed the ticket since the page
            # was loaded (the version check); any other refusal is a broken request.
            if 'class="form-errors"' not in response.body or "errorlist" in response.body:
                raise Unexpected(f"{kind}: the form came back with field errors")
            self.recorder.refuse(kind)
            return
        if self.after_post(kind, response, number):
            self.recorder.wrote(kind, ticket=number, date=date.isoformat(), agent=self.email)

    def do_accept_assign(self, kind: str) -> None:
        number = self.ticket()
        page = self.page("ticket page", f"/tickets/{number}/").body
        data = {"csrfmiddlewaretoken": csrf_token(page), "version": hidden(page, "version")}
        if f"/tickets/{number}/accept/" in page:
            path = f"/tickets/{number}/accept/"
        elif f"/tickets/{number}/assign-to-me/" in page:
            path = f"/tickets/{number}/assign-to-me/"
        else:
            return  # already this agent's, and accepted
        response = self.recorder.timed(kind, self.browser, "POST", path, data)
        if self.after_post(kind, response, number):
            self.recorder.wrote(kind, ticket=number, agent=self.email)

    def do_new_ticket(self, kind: str) -> None:
        page = self.page("new ticket form", "/tickets/new/").body
        customer = self.rng.choice(self.fixtures["customers"])
        subject = f"bench new ticket {next(_sequence)} {self.email}"
        data = {
            "csrfmiddlewaretoken": csrf_token(page),
            "customer": customer["pk"],
            "customer_query": customer["number"],
            "subject": subject,
            "description": "The router restarts every night at 3 am.",
        }
        response = self.recorder.timed(kind, self.browser, "POST", "/tickets/new/", data)
        # 200 is the form again: nothing in this request should be refused.
        expect(response, 302, what=kind)
        self.recorder.wrote(kind, subject=subject)

    def do_search(self, kind: str) -> None:
        word = self.rng.choice(self.fixtures["words"] or ["Internet"])
        if self.rng.random() < 0.5:
            self.page(kind, "/tickets/?" + urlencode({"view": "all", "q": word}))
        else:
            name = self.rng.choice(self.fixtures["customers"])["name"][:4]
            self.page(kind, "/customers/search/?" + urlencode({"q": name}))

    def do_csv_export(self, kind: str) -> None:
        customer = self.rng.choice(self.fixtures["customers"])["number"]
        response = self.page(
            kind, "/tickets/export.csv?" + urlencode({"view": "all", "customer": customer})
        )
        if not response.content_type.startswith("text/csv"):
            raise Unexpected(f"{kind}: {response.content_type}")

    def work_until(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            try:
                self.act()
            except (Unexpected, LookupError) as exc:
                self.recorder.error(str(exc))
            if THINK_SECONDS:
                time.sleep(self.rng.uniform(0, 2 * THINK_SECONDS))


def hammer_login(port: int, index: int, recorder: Recorder, stop: threading.Event) -> None:
    """Wrong passwords from one address of its own, as fast as the server answers."""
    browser = Browser(port, source_ip=f"127.0.0.{100 + index}")
    try:
        token = csrf_token(browser.get("/accounts/login/").body)
        while not stop.is_set():
            username = "admin@example.com" if index % 2 else f"nobody{index}@example.com"
            response = browser.post(
                "/accounts/login/",
                {"csrfmiddlewaretoken": token, "username": username, "password": "wrong"},
            )
            with recorder.lock:
                recorder.attackers[response.status] += 1
    except (OSError, http.client.HTTPException, LookupError) as exc:
        recorder.error(f"wrong-password client {index}: {type(exc).__name__}: {exc}")


# --- a run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    label: str
    recorder: Recorder
    seconds: float
    lost: dict[str, list[Any]]

    @property
    def agent_timings(self) -> list[float]:
        return [
            s for kind, values in self.recorder.timings.items() if kind != "sign in" for s in values
        ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def run_agents(
    server: Server, *, agents: int, seconds: float, wrong_password_clients: int, label: str
) -> RunResult:
    recorder = Recorder()
    rng = random.Random(label)
    crew = [
        Agent(
            f"bench-agent{n}@example.com",
            Browser(server.port),
            recorder,
            server.fixtures,
            random.Random(rng.random()),
        )
        for n in range(agents)
    ]
    # Signed in before the wrong-password clients start: their lockouts must not be what
    # keeps the agents out (axes locks an address after SIGNIN_FAILURE_LIMIT failures).
    with ThreadPoolExecutor(max_workers=min(agents, 16)) as pool:
        for future in [pool.submit(agent.sign_in) for agent in crew]:
            try:
                future.result()
            except (Unexpected, LookupError, OSError) as exc:
                recorder.error(str(exc))
    stop = threading.Event()
    hammers = [
        threading.Thread(target=hammer_login, args=(server.port, i, recorder, stop), daemon=True)
        for i in range(wrong_password_clients)
    ]
    for thread in hammers:
        thread.start()
    started = time.monotonic()
    stop_at = started + seconds
    with ThreadPoolExecutor(max_workers=agents) as pool:
        for future in [pool.submit(agent.work_until, stop_at) for agent in crew]:
            future.result()
    elapsed = time.monotonic() - started
    stop.set()
    for thread in hammers:
        thread.join(REQUEST_TIMEOUT_SECONDS)
    return RunResult(label, recorder, elapsed, verify_writes(server, recorder))


def verify_writes(server: Server, recorder: Recorder) -> dict[str, list[Any]]:
    path = server.data_dir / f"writes-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(recorder.writes))
    output = server.ticketdesk("shell", "-c", VERIFY_SCRIPT.format(path=str(path)))
    return json.loads(output.splitlines()[-1])


def report(result: RunResult) -> Iterator[str]:
    recorder = result.recorder
    requests = sum(len(v) for v in recorder.timings.values())
    yield f"BENCH concurrent agents, {result.label}: {requests} requests in {result.seconds:.0f} s"
    for kind in sorted(recorder.timings):
        values = recorder.timings[kind]
        yield (
            f"  {kind:16} n={len(values):6}  p50 {statistics.median(values) * 1000:8.1f} ms  "
            f"p95 {percentile(values, 0.95) * 1000:8.1f} ms"
        )
    agents = result.agent_timings
    if agents:
        p50, p95 = statistics.median(agents) * 1000, percentile(agents, 0.95) * 1000
        yield f"  all agent requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    writes = {kind: len(values) for kind, values in recorder.writes.items()}
    yield f"  writes answered with success: {writes}; refused (conflicts): {dict(recorder.refused)}"
    lost = {kind: len(values) for kind, values in result.lost.items() if values}
    yield f"  lost writes: {sum(lost.values())} {lost or ''}"
    yield f"  errors: {len(recorder.errors)}"
    for detail in Counter(recorder.errors).most_common(10):
        yield f"    {detail[1]} x {detail[0]}"
    if recorder.attackers:
        yield f"  wrong-password clients' answers: {dict(recorder.attackers)}"


def run_benchmark() -> list[RunResult]:
    data_dir = Path(tempfile.mkdtemp(prefix="ticketdesk-bench-agents-"))
    server = Server(data_dir)
    results = []
    try:
        server.prepare(agents=AGENTS, tickets=TICKETS)
        server.start()
        print(
            f"{AGENTS} agents, {SECONDS:.0f} s per run, think time ~{THINK_SECONDS} s, "
            f"serve on port {server.port}"
        )
        runs = [("without wrong-password clients", 0)]
        if WRONG_PASSWORD_CLIENTS:
            runs.append(
                (f"with {WRONG_PASSWORD_CLIENTS} wrong-password clients", WRONG_PASSWORD_CLIENTS)
            )
        for label, clients in runs:
            result = run_agents(
                server, agents=AGENTS, seconds=SECONDS, wrong_password_clients=clients, label=label
            )
            for line in report(result):
                print(line, flush=True)
            results.append(result)
        if len(results) == 2:
            quiet, attacked = (percentile(r.agent_timings, 0.95) * 1000 for r in results)
            ratio = attacked / quiet if quiet else float("inf")
            print(
                f"BENCH agents' p95: {quiet:.1f} ms without, {attacked:.1f} ms with "
                f"wrong-password clients ({ratio:.2f}x)"
            )
        if server.process is not None and server.process.poll() is not None:
            raise RuntimeError(f"serve died during the run:\n{server.log_tail()}")
    finally:
        server.stop()
        if KEEP_DATA_DIR:
            print(f"data directory kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return results


# --- `make bench` (pytest) -------------------------------------------------------------


def bench_concurrent_agents() -> None:
    results = run_benchmark()
    for result in results:
        assert result.recorder.timings, f"{result.label}: no request was made"
        assert not result.recorder.errors, f"{result.label}: {len(result.recorder.errors)} errors"
        assert not any(result.lost.values()), f"{result.label}: lost writes {result.lost}"
        assert result.recorder.writes, f"{result.label}: no write succeeded"
    if len(results) == 2:
        assert results[1].recorder.attackers[429], (
            "the wrong-password clients were never locked out"
        )


# --- standalone --------------------------------------------------------------------


if __name__ == "__main__":
    bench_concurrent_agents()
