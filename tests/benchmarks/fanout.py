"""Fan-out: how fast a submitted idea reaches every connected page (issue 11).

    python -m tests.benchmarks.fanout [--clients 100] [--rate 5] [--seconds 15]
                                      [--processes 1] [--client-procs K] [--submitters 5]
                                      [--reference | --no-reference] [--timeout 600] [--keep]
                                      [--light-clients]
    python -m tests.benchmarks.fanout --acks [--clients 500] [--seconds 10] [--submitters 50]
                                      [--inflight 2] [--processes 1] [--no-submitters-apart]

A temporary folder gets a migrated SQLite database with a facilitator, an event and one
session with input open and the per-person limit at its maximum (100), and N participants
joined through sessions.services, each with the signed socket token its page would get. The
server runs as in production: `gunicorn -k gevent -w 1 --worker-connections 4000` on a free
port of 127.0.0.1, rate limits off. With --processes 2 there are two such gunicorns on two
ports, sharing the SQLite file and a Redis message queue (a redis-server of the benchmark's
own, on a free port, without persistence); clients alternate between the ports.

N participant clients (python-socketio's AsyncClient over websockets, with the page's
`auth={"token": ...}`, no reconnection; with --light-clients a PageClient, which does the same
at a quarter of the CPU: see there) are spread over a few client processes (--client-procs,
each one asyncio loop) and connect. Connecting makes the server broadcast `presence` to the
room, so the measurement starts only when no client has received anything for --settle-quiet
seconds: `connect_s` and `settle_s` say how long that took, `dropped_connecting` how many
connections broke meanwhile, `connected` how many are there when the measurement starts.

Fan-out (the default): a few participants (--submitters) send `submit_idea` at a steady --rate
for --seconds, each text starting with a unique marker. Per idea, the latency is the time from
the send until the LAST connected client received its `idea_added` (CLOCK_MONOTONIC is
system-wide on Linux, so the processes' time.monotonic() are comparable): one JSON line with
its p50/p95/p99 and max, `lost` (deliveries of acknowledged ideas that never arrived: must be
0), `first_p50_ms` (until the first client had it), the ack times and refusals. Then the same
clients, rate and measurement against the reference, a minimal Node Socket.IO server
(tests/benchmarks/fanout_node, socket.io pinned; `npm ci` there first when node_modules is
missing), and a line with `ratio` = our p95 / the reference's p95, both servers' CPU
(`server_cpu_pct`, `reference_server_cpu_pct`) and `cpu_ratio` = ours / the reference's.
The reference runs by default only with --processes 1 (it is one Node process).

Ingest (--acks): N clients listen while --submitters of them fire `submit_idea` with acks as
fast as they can (each keeping --inflight commands outstanding) for --seconds. One line:
`acked_per_s`, `stored` (the ideas the database holds afterwards: must equal `acked`),
refusals, ack times, and `lost` deliveries to the listeners. The submitters' pages run in a
client process of their own (a phone does not share its CPU with 250 other pages, whose
messages would otherwise hold up its acks); --no-submitters-apart puts them among the
listeners, as before.

Clients and servers share this machine's cores. Every line says how much CPU each side used
while measuring, in percent of one core (`server_cpu_pct`, `clients_cpu_pct`, and
`other_cpu_pct`: everything else, other people's work and the kernel's unattributed share),
and `machine_cpu_pct` for all cores together: near 100 the figures are a floor set by the
machine, not by the server alone. A fan-out line also says how many CPU
milliseconds one idea cost the server and the clients (`server_cpu_ms_per_idea`,
`clients_cpu_ms_per_idea`): where the clients spend several times the server's part, the
latency measures the clients' decoding more than the server.

Only JSON lines go to stdout; progress goes to stderr. Everything is bounded (--timeout for the
whole run; connecting, settling and collecting have limits of their own), only 127.0.0.1 is
used, and every process the benchmark starts (gunicorn, redis-server, node, client processes)
is stopped at the end. --keep keeps the folder with the database and the servers' logs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Collection
from datetime import date
from datetime import time as clock
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = Path(__file__).resolve().parent / "fanout_node"
SECRET = "fanout-benchmark-secret"
IDEA_LIMIT = 100  # the service's maximum per participant
TEXT = "Hoe houden we startende leraren in de regio vast als de werkdruk blijft stijgen?"
FACILITATOR = ("fanout@example.org", "correct horse battery")  # prepare()'s, to log in with


def log(message: str) -> None:
    """Progress for the person watching: stderr, so stdout stays JSON lines."""
    print(f"[fanout {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def raise_nofile() -> int:
    """Raise this process's open-files limit to the hard limit (inherited by children)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 16)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank) of values, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --- the database ---------------------------------------------------------------------------


def prepare(folder: Path, clients: int) -> dict:
    """Migrate a fresh SQLite database and fill it; returns its URL, session and tokens."""
    from flask_migrate import upgrade

    from brainstorm import create_app
    from brainstorm.accounts import services as accounts
    from brainstorm.accounts.identity import PARTICIPANT, socket_token
    from brainstorm.accounts.models import Role
    from brainstorm.events.services import create_event
    from brainstorm.sessions import services as sessions
    from brainstorm.sessions.models import Phase

    url = f"sqlite:///{folder / 'fanout.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "ASYNC_MODE": "threading",
            "SECRET_KEY": SECRET,  # the servers get the same: the tokens must pass
            "SOCKETIO_MESSAGE_QUEUE": None,
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        user = accounts.create_user(*FACILITATOR, Role.FACILITATOR, name="Fanout")
        event = create_event(
            user, "Brainstormsessie RATO", date(2026, 12, 14), clock(15), clock(17)
        )
        bs = sessions.create_session(event, "Vraagstukken Samen Opleiden")
        sessions.set_phase(bs, user, Phase.INPUT)
        sessions.update_settings(bs, user, {"idea_limit": IDEA_LIMIT})
        tokens = []
        for number in range(clients):
            person = sessions.join_session(bs, f"Deelnemer {number + 1}")
            tokens.append(socket_token(PARTICIPANT, person.id, bs.id))
        return {"url": url, "session_id": bs.id, "tokens": tokens}


def stored_ideas(url: str, session_id: int) -> int:
    """How many ideas the database holds for the session."""
    from sqlalchemy import func, select

    from brainstorm import create_app
    from brainstorm.extensions import db
    from brainstorm.sessions.models import Idea

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "ASYNC_MODE": "threading", "SOCKETIO_MESSAGE_QUEUE": None}
    )
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Idea).filter_by(session_id=session_id)
        )


# --- server processes -----------------------------------------------------------------------


class Processes:
    """Every process the benchmark starts, stopped (by its own id) at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen, object]] = []

    def start(self, name: str, command: list[str], env: dict | None = None, cwd=ROOT):
        out = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop_all()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env or os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole, and only it
        )
        self.started.append((name, process, out))
        return process

    def stop(self, process: subprocess.Popen) -> None:
        for entry in list(self.started):
            if entry[1] is process:
                _stop(process)
                entry[2].close()
                self.started.remove(entry)

    def stop_all(self) -> None:
        for _name, process, out in reversed(self.started):
            _stop(process)
            out.close()
        self.started.clear()

    def tail(self, name: str, lines: int = 20) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """SIGINT (gunicorn's quick shutdown: it stops its worker first), and when that is not
    enough within 10 s, SIGKILL to the process group it leads (its worker included)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_http(url: str, process: subprocess.Popen, procs: Processes, name: str, limit=60):
    deadline = time.monotonic() + limit
    while True:
        try:
            urlopen(url, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start:\n{procs.tail(name)}") from None
            time.sleep(0.2)


def start_redis(procs: Processes) -> str:
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
    process = procs.start("redis", command)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0"
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start:\n{procs.tail('redis')}")
        time.sleep(0.1)


def start_brainstorm(procs: Processes, db_url: str, processes: int) -> tuple[list[str], list]:
    """gunicorn + gevent as in production (Makefile GUNICORN_ARGS), `processes` of them."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": SECRET,
        "BRAINSTORM_RATELIMIT_ENABLED": "false",
        "BRAINSTORM_MAIL_OUTBOX": str(procs.folder / "outbox"),
    }
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    if processes > 1:
        env["SOCKETIO_MESSAGE_QUEUE"] = start_redis(procs)
    urls, started = [], []
    for number in range(processes):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1"]
        command += ["--worker-connections", "4000", "--no-control-socket"]
        command += ["-b", f"127.0.0.1:{port}", "wsgi:app"]
        name = f"gunicorn{number}"
        process = procs.start(name, command, env)
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/join", process, procs, name)
        urls.append(url)
        started.append(process)
    return urls, started


def start_node(procs: Processes) -> tuple[list[str], list]:
    """The reference: tests/benchmarks/fanout_node/server.js (npm ci first when needed)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise RuntimeError("node and npm are needed for the reference (or use --no-reference)")
    if not (NODE_DIR / "node_modules" / "socket.io").exists():
        log("npm ci in tests/benchmarks/fanout_node")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            check=True,
            stdout=sys.stderr,
            timeout=300,
        )
    port = free_port()
    process = procs.start("node", [node, "server.js", str(port)], cwd=NODE_DIR)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/", process, procs, "node")
    return [url], [process]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and all their descendants, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # after the name: state ppid ... utime (12th) stime (13th)
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    wanted, total, frontier = set(pids), 0, list(pids)
    while frontier:
        pid = frontier.pop()
        frontier += [p for p, (ppid, _) in stats.items() if ppid == pid and p not in wanted]
        wanted.update(frontier)
    for pid in wanted:
        if pid in stats:
            total += stats[pid][1]
    return total / ticks


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    line = Path("/proc/stat").read_text().split("\n", 1)[0]
    fields = [int(x) for x in line.split()[1:9]]  # user ... steal (guest is inside user)
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def machine_pct(before: tuple[int, int]) -> int:
    """How busy all cores together were since `before` (100: every core all the time)."""
    busy, total = machine_ticks()
    return round(100 * (busy - before[0]) / max(1, total - before[1]))


def cpu_shares(server: float, clients: float, wall: float, machine: int) -> dict:
    """CPU while measuring, in percent of one core: the server's processes, the client
    processes, and everything else on the machine (other work, the kernel's share); and
    all cores together (100: the machine was saturated)."""
    server_pct, clients_pct = round(100 * server / wall), round(100 * clients / wall)
    cores = os.cpu_count() or 1
    return {
        "server_cpu_pct": server_pct,
        "clients_cpu_pct": clients_pct,
        "other_cpu_pct": max(0, machine * cores - server_pct - clients_pct),
        "machine_cpu_pct": machine,
        "cores": cores,
    }


# --- client processes -----------------------------------------------------------------------


def client_process(conn, spec: dict) -> None:
    """Entry point of a client process: one asyncio loop driving its share of the clients."""
    import asyncio
    import logging

    raise_nofile()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    # A dropped connection is counted (`disconnects`), not logged once per client.
    for name in ("engineio", "socketio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        asyncio.run(asyncio.wait_for(_ClientGroup(conn, spec).run(), spec["timeout"]))
    except (TimeoutError, EOFError, BrokenPipeError):
        pass
    finally:
        conn.close()


class PageClient:
    """What a page's Socket.IO client does for this measurement, and no more (--light-clients):
    one websocket (aiohttp), engine.io pings answered, each event decoded once (json) and
    handed to its handler, acks matched to their calls. python-socketio's AsyncClient spends
    about four times the CPU per message (it decodes twice and starts a task per message);
    with 2 000 of them on this 2-core machine the clients took 1.3 cores, and the figures
    measured them more than the server. The same surface as the AsyncClient uses here."""

    def __init__(self):
        self.handlers: dict = {}
        self.connected = False
        self.acks: dict = {}
        self.next_id = 0
        self.ws = self.http = self.reader = None

    def on(self, name: str, handler) -> None:
        self.handlers[name] = handler

    async def connect(self, url: str, auth: dict, transports=None, wait_timeout: float = 30):
        import aiohttp

        self.http = aiohttp.ClientSession()
        try:
            self.ws = await self.http.ws_connect(
                url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                timeout=aiohttp.ClientWSTimeout(ws_receive=wait_timeout),
                autoping=False,
                max_msg_size=0,
            )
            opened = await self.ws.receive_str(timeout=wait_timeout)
            if not opened.startswith("0"):
                raise ConnectionError(f"no engine.io open packet: {opened[:40]}")
            await self.ws.send_str("40" + json.dumps(auth))
            while True:
                answer = await self.ws.receive_str(timeout=wait_timeout)
                if answer.startswith("40"):
                    break
                if answer.startswith("44"):
                    raise ConnectionError(f"refused: {answer[:80]}")
        except BaseException:
            await self.http.close()
            raise
        import asyncio

        self.connected = True
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        import aiohttp

        try:
            async for message in self.ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                data = message.data
                if data == "2":
                    await self.ws.send_str("3")
                elif data.startswith("42"):
                    name, *args = json.loads(data[2:])
                    handler = self.handlers.get(name)
                    if handler is not None:
                        handler(*args)
                    elif (anything := self.handlers.get("*")) is not None:
                        anything(name, *args)
                elif data.startswith("43"):
                    number, _, answer = data[2:].partition("[")
                    future = self.acks.pop(int(number), None)
                    if future is not None and not future.done():
                        future.set_result(json.loads("[" + answer)[0])
                elif data.startswith(("41", "1")):
                    break
        finally:
            self.connected = False
            for future in self.acks.values():
                future.cancel()
            if "disconnect" in self.handlers:
                self.handlers["disconnect"]("transport close")

    async def call(self, event: str, data, timeout: float = 60):
        import asyncio

        import socketio

        if not self.connected:
            raise socketio.exceptions.BadNamespaceError("not connected")
        number, self.next_id = self.next_id, self.next_id + 1
        future = asyncio.get_running_loop().create_future()
        self.acks[number] = future
        await self.ws.send_str(f"42{number}" + json.dumps([event, data]))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise socketio.exceptions.TimeoutError() from None
        except asyncio.CancelledError:
            raise socketio.exceptions.BadNamespaceError("disconnected") from None

    async def disconnect(self) -> None:
        if self.connected:
            with contextlib.suppress(Exception):
                await self.ws.send_str("41")
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader
        if self.http is not None:
            await self.http.close()


class _ClientGroup:
    """Some clients in one process, steered by the parent over a pipe."""

    def __init__(self, conn, spec: dict):
        self.conn = conn
        self.spec = spec
        self.clients: list = []  # socketio.AsyncClient, same order as spec["targets"]
        self.seen: list[set[str]] = []  # per client: the markers received
        self.ever: list[bool] = []  # per client: connected at some point
        self.received: dict[str, list[float]] = {}  # marker: [count, first, last]
        self.last_message = time.monotonic()
        self.messages = 0
        self.disconnects = 0
        self.duplicates = 0

    async def run(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        await self.connect_all()
        while True:
            command, argument = await loop.run_in_executor(None, self.conn.recv)
            if command == "status":
                self.reply(
                    {
                        "last_message": self.last_message,
                        "messages": self.messages,
                        "disconnects": self.disconnects,
                        "connected": sum(1 for c in self.clients if c.connected),
                    }
                )
            elif command == "fanout":
                self.reply(await self.fanout(argument))
            elif command == "ingest":
                self.reply(await self.ingest(argument))
            elif command == "collect":
                self.reply(await self.collect(*argument))
            elif command == "stop":
                if self.clients:
                    tasks = [asyncio.ensure_future(c.disconnect()) for c in self.clients]
                    await asyncio.wait(tasks, timeout=10)
                self.reply({"stopped": True})
                return

    def reply(self, message: dict) -> None:
        self.conn.send(message)

    async def connect_all(self) -> None:
        import asyncio

        import socketio

        gate = asyncio.Semaphore(self.spec["concurrency"])
        failures: list[str] = []

        async def connect(index: int, url: str, token: str) -> None:
            client = self.clients[index]
            async with gate:
                for attempt in range(3):
                    try:
                        await client.connect(
                            url,
                            auth={"token": token},
                            transports=["websocket"],
                            wait_timeout=30,
                        )
                        self.ever[index] = True
                        return
                    except Exception as error:  # counted and shown, then retried
                        if attempt == 2:
                            failures.append(f"{type(error).__name__}: {error}")
                        await asyncio.sleep(0.5 * (attempt + 1))

        for index, _target in enumerate(self.spec["targets"]):
            if self.spec.get("light"):
                client = PageClient()
            else:
                client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            self.seen.append(set())
            self.ever.append(False)
            self._listen(client, index)
            self.clients.append(client)
        started = time.monotonic()
        await asyncio.gather(
            *(connect(i, url, token) for i, (url, token) in enumerate(self.spec["targets"]))
        )
        self.conn.send(
            {
                "connected": sum(1 for c in self.clients if c.connected),
                "failed": len(failures),
                "errors": failures[:3],
                "seconds": time.monotonic() - started,
            }
        )

    def _listen(self, client, index: int) -> None:
        seen, received = self.seen[index], self.received

        def on_idea(data):
            now = time.monotonic()
            self.last_message = now
            self.messages += 1
            marker = data["idea"]["text"].partition(" ")[0]  # "[f0000123]"
            if marker in seen:
                self.duplicates += 1
                return
            seen.add(marker)
            entry = received.get(marker)
            if entry is None:
                received[marker] = [1, now, now]
            else:
                entry[0] += 1
                entry[2] = max(entry[2], now)

        def on_batch(data):
            # Several events for the room in one message (the app coalesces bursts).
            for event in data.get("events", []):
                if event.get("name") == "idea_added":
                    on_idea(event["data"])

        def on_anything(*_args):
            self.last_message = time.monotonic()
            self.messages += 1

        def on_disconnect(*_reason):
            self.disconnects += 1

        client.on("idea_added", on_idea)
        client.on("batch", on_batch)
        client.on("disconnect", on_disconnect)
        client.on("*", on_anything)

    async def _submit(self, index: int, marker: str) -> tuple[float, float | None, str]:
        """Send one idea; (sent, acked or None, "ok" or the refusal code)."""
        import socketio

        client = self.clients[index]
        payload = {"text": f"{marker} {TEXT}", "client_id": str(uuid.uuid4())}
        sent = time.monotonic()
        try:
            ack = await client.call("submit_idea", payload, timeout=30)
        except socketio.exceptions.TimeoutError:
            return sent, None, "timeout"
        except socketio.exceptions.BadNamespaceError:
            return sent, None, "disconnected"
        acked = time.monotonic()
        ok = isinstance(ack, dict) and ack.get("ok")
        return sent, acked, "ok" if ok else str((ack or {}).get("code", ack))

    async def fanout(self, plan: list[tuple[str, int, float]]) -> dict:
        """Send each (marker, client index, at) at its time; then wait for the acks."""
        import asyncio

        async def one(marker: str, index: int, at: float):
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            return marker, await self._submit(index, marker)

        results = await asyncio.gather(*(one(*item) for item in plan))
        return {"sent": {marker: result for marker, result in results}}

    async def ingest(self, argument: dict) -> dict:
        """Each submitter keeps `inflight` commands outstanding until `until`."""
        import asyncio

        results: dict[str, tuple] = {}
        prefix = argument["prefix"]

        async def lane(index: int, lane_number: int) -> None:
            count = 0
            while time.monotonic() < argument["until"]:
                marker = f"[{prefix}-{index}-{lane_number}-{count}]"
                count += 1
                result = await self._submit(index, marker)
                results[marker] = result
                if result[2] != "ok":
                    return  # refused (limit reached) or gone: this lane stops

        await asyncio.gather(
            *(lane(i, n) for i in argument["submitters"] for n in range(argument["inflight"]))
        )
        return {"sent": results}

    async def collect(self, expected: list[str], deadline: float) -> dict:
        """Wait until every client has every expected marker (or the deadline); the counts."""
        import asyncio

        wanted = set(expected)
        # Clients that never got in are counted as connect failures, not as lost messages.
        listening = [seen for seen, ever in zip(self.seen, self.ever, strict=True) if ever]
        while time.monotonic() < deadline:
            if all(wanted <= seen for seen in listening):
                break
            await asyncio.sleep(0.05)
        missing = sum(len(wanted - seen) for seen in listening)
        return {
            "received": {m: self.received[m] for m in wanted if m in self.received},
            "missing": missing,
            "clients": len(listening),
            "duplicates": self.duplicates,
            "disconnects": self.disconnects,
        }


class Clients:
    """The parent's side of the client processes."""

    def __init__(
        self,
        targets: list[tuple[str, str]],
        count: int,
        timeout: float,
        light: bool = False,
        apart: Collection[int] = (),
    ):
        context = multiprocessing.get_context("spawn")
        # Client number g lives in process g % count, or in one more process when it is apart.
        self.parts: list[list[tuple[str, str]]] = [[] for _ in range(count + bool(apart))]
        self.where: dict[int, tuple[int, int]] = {}
        for number, target in enumerate(targets):
            process = count if number in apart else number % count
            self.where[number] = (process, len(self.parts[process]))
            self.parts[process].append(target)
        count = self.count = len(self.parts)
        self.pipes, self.processes = [], []
        for part in self.parts:
            parent, child = context.Pipe()
            spec = {"targets": part, "concurrency": 25, "timeout": timeout, "light": light}
            process = context.Process(target=client_process, args=(child, spec), daemon=True)
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)
        self.cpu_base = [0.0] * count

    def locate(self, number: int) -> tuple[int, int]:
        return self.where[number]

    def receive(self, pipe, deadline: float) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not pipe.poll(remaining):
            raise TimeoutError("a client process did not answer in time")
        return pipe.recv()

    def ask_all(self, command: str, arguments: list, deadline: float) -> list[dict]:
        for pipe, argument in zip(self.pipes, arguments, strict=True):
            pipe.send((command, argument))
        return [self.receive(pipe, deadline) for pipe in self.pipes]

    def wait_connected(self, deadline: float) -> dict:
        answers = [self.receive(pipe, deadline) for pipe in self.pipes]
        return {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "errors": [e for a in answers for e in a["errors"]][:3],
        }

    def settle(self, quiet: float, limit: float) -> tuple[float, list[dict]]:
        """Wait until no client received anything for `quiet` seconds: how long that took,
        and each process's last status."""
        started = time.monotonic()
        while True:
            answers = self.ask_all("status", [None] * self.count, started + limit + 30)
            now = time.monotonic()
            last = max(a["last_message"] for a in answers)
            if now - last >= quiet or now - started > limit:
                if now - started > limit:
                    log(f"not settled after {limit:.0f} s; measuring anyway")
                return now - started, answers
            time.sleep(0.25)

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError, BrokenPipeError):
                pipe.send(("stop", None))
        for pipe in self.pipes:
            with contextlib.suppress(OSError, EOFError, TimeoutError):
                self.receive(pipe, time.monotonic() + 15)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


# --- one measured configuration -------------------------------------------------------------


def spread(total: int, picks: int) -> list[int]:
    """`picks` client numbers spread evenly over `total` (so over the ports and processes)."""
    picks = max(1, min(picks, total))
    return [i * total // picks for i in range(picks)]


def connect_clients(
    kind: str, urls: list[str], tokens: list[str], args, apart: Collection[int] = ()
) -> tuple:
    targets = [(urls[i % len(urls)], token) for i, token in enumerate(tokens)]
    client_procs = args.client_procs or (2 if len(tokens) <= 500 else 4)
    client_procs = max(1, min(client_procs, len(tokens)))
    log(f"{kind}: connecting {len(tokens)} clients from {client_procs} processes")
    started = time.monotonic()
    clients = Clients(targets, client_procs, args.timeout, args.light_clients, set(apart))
    connected = clients.wait_connected(started + min(args.timeout, 240))
    connect_s = time.monotonic() - started
    log(f"{kind}: {connected['connected']} connected in {connect_s:.1f} s, settling")
    if connected["failed"]:
        log(f"{kind}: {connected['failed']} failed to connect, e.g. {connected['errors']}")
    settle_s, status = clients.settle(args.settle_quiet, args.settle_limit)
    now_connected = sum(a["connected"] for a in status)
    dropped = sum(a["disconnects"] for a in status)
    log(f"{kind}: settled after {settle_s:.1f} s; {now_connected} connected, {dropped} dropped")
    info = {
        "connected": now_connected,  # when the measurement starts
        "connect_failed": connected["failed"],
        "dropped_connecting": dropped,
        "connect_s": round(connect_s, 1),
        "settle_s": round(settle_s, 1),
    }
    return clients, info


def gather_results(clients: Clients, sent: dict, drain: float) -> tuple[dict, list[dict], int]:
    """Ask every client process for what arrived of the acknowledged ideas."""
    expected = [m for m, (_s, _a, status) in sent.items() if status == "ok"]
    deadline = time.monotonic() + drain
    answers = clients.ask_all("collect", [(expected, deadline)] * clients.count, deadline + 30)
    merged: dict[str, list[float]] = {}
    for answer in answers:
        for marker, (count, first, last) in answer["received"].items():
            entry = merged.setdefault(marker, [0, first, last])
            entry[0] += count
            entry[1] = min(entry[1], first)
            entry[2] = max(entry[2], last)
    lost = sum(a["missing"] for a in answers)
    return merged, answers, lost


def measure_fanout(kind: str, urls: list[str], pids: list[int], tokens: list[str], args) -> dict:
    clients, info = connect_clients(kind, urls, tokens, args)
    try:
        ideas = max(1, round(args.rate * args.seconds))
        submitters = spread(len(tokens), max(args.submitters, math.ceil(ideas / IDEA_LIMIT)))
        start = time.monotonic() + 1.0
        plans: list[list] = [[] for _ in range(clients.count)]
        for k in range(ideas):
            process, local = clients.locate(submitters[k % len(submitters)])
            plans[process].append((f"[f{k:07d}]", local, start + k / args.rate))
        log(f"{kind}: {ideas} ideas at {args.rate}/s from {len(submitters)} submitters")
        client_pids = [process.pid for process in clients.processes]
        cpu_before, machine = cpu_seconds(pids), machine_ticks()
        clients_before = cpu_seconds(client_pids)
        wall = time.monotonic()
        answers = clients.ask_all("fanout", plans, start + args.seconds + 60)
        sent = {m: r for a in answers for m, r in a["sent"].items()}
        merged, collected, lost = gather_results(clients, sent, args.drain)
        wall = time.monotonic() - wall
        server_cpu, machine = cpu_seconds(pids) - cpu_before, machine_pct(machine)
        client_cpu = cpu_seconds(client_pids) - clients_before
    finally:
        clients.stop()
    n = sum(a["clients"] for a in collected)  # those that got in
    latencies = [merged[m][2] - sent[m][0] for m in sent if m in merged and merged[m][0] >= n]
    firsts = [merged[m][1] - sent[m][0] for m in sent if m in merged]
    acks = [a - s for s, a, status in sent.values() if status == "ok"]
    refused = [status for _s, _a, status in sent.values() if status != "ok"]
    return {
        "benchmark": "fanout",
        "server": kind,
        "clients": n,
        "processes": len(urls),
        "client_procs": clients.count,
        "light_clients": args.light_clients,
        "rate": args.rate,
        "ideas": len(sent),
        "acked": len(acks),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(max(latencies, default=None)),
        "lost": lost,
        "first_p50_ms": ms(percentile(firsts, 50)),
        "ack_p50_ms": ms(percentile(acks, 50)),
        "ack_p95_ms": ms(percentile(acks, 95)),
        "refused": len(refused),
        "refusals": sorted(set(refused))[:3],
        "duplicates": sum(a["duplicates"] for a in collected),
        "disconnects": sum(a["disconnects"] for a in collected) - info["dropped_connecting"],
        **info,
        **cpu_shares(server_cpu, client_cpu, wall, machine),
        # Where an idea's time goes: the server's part against what the clients spend decoding.
        "server_cpu_ms_per_idea": ms(server_cpu / len(sent)),
        "clients_cpu_ms_per_idea": ms(client_cpu / len(sent)),
    }


def measure_ingest(kind: str, urls: list[str], pids: list[int], tokens: list[str], args) -> dict:
    submitters = spread(len(tokens), args.submitters)
    apart = submitters if args.submitters_apart else ()
    clients, info = connect_clients(kind, urls, tokens, args, apart)
    try:
        lanes: list[list[int]] = [[] for _ in range(clients.count)]
        for number in submitters:
            process, local = clients.locate(number)
            lanes[process].append(local)
        log(
            f"{kind}: {len(submitters)} submitters x {args.inflight} in flight for "
            f"{args.seconds} s while {len(tokens)} listen"
        )
        client_pids = [process.pid for process in clients.processes]
        cpu_before, machine = cpu_seconds(pids), machine_ticks()
        clients_before = cpu_seconds(client_pids)
        started = time.monotonic()
        until = started + args.seconds
        arguments = [
            {"prefix": f"i{p}", "submitters": lanes[p], "inflight": args.inflight, "until": until}
            for p in range(clients.count)
        ]
        answers = clients.ask_all("ingest", arguments, until + 60)
        ended = time.monotonic()
        server_cpu, machine = cpu_seconds(pids) - cpu_before, machine_pct(machine)
        client_cpu = cpu_seconds(client_pids) - clients_before
        sent = {m: r for a in answers for m, r in a["sent"].items()}
        _merged, collected, lost = gather_results(clients, sent, args.drain)
    finally:
        clients.stop()
    acks = [a - s for s, a, status in sent.values() if status == "ok"]
    refused = [status for _s, _a, status in sent.values() if status != "ok"]
    return {
        "benchmark": "ingest",
        "server": kind,
        "listeners": len(tokens),
        "processes": len(urls),
        "client_procs": clients.count,
        "light_clients": args.light_clients,
        "submitters": len(submitters),
        "inflight": args.inflight,
        "submitters_apart": bool(apart),
        "seconds": round(ended - started, 1),
        "acked": len(acks),
        "acked_per_s": round(len(acks) / (ended - started), 1),
        "ack_p50_ms": ms(percentile(acks, 50)),
        "ack_p95_ms": ms(percentile(acks, 95)),
        "refused": len(refused),
        "refusals": sorted(set(refused))[:3],
        "lost": lost,
        "duplicates": sum(a["duplicates"] for a in collected),
        "disconnects": sum(a["disconnects"] for a in collected) - info["dropped_connecting"],
        **info,
        **cpu_shares(server_cpu, client_cpu, ended - started, machine),
    }


# --- the run --------------------------------------------------------------------------------


def run(args) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="fanout-"))
    procs = Processes(folder)
    lines: list[dict] = []
    try:
        log(f"preparing {args.clients} participants in {folder}")
        data = prepare(folder, args.clients)
        urls, started = start_brainstorm(procs, data["url"], args.processes)
        pids = [p.pid for p in started]
        log(f"brainstorm: gunicorn on {', '.join(urls)}")
        try:
            if args.acks:
                line = measure_ingest("brainstorm", urls, pids, data["tokens"], args)
                line["stored"] = stored_ideas(data["url"], data["session_id"])
                line["stored_ok"] = line["stored"] == line["acked"]
                # Every page has every acked idea once, and the database holds just those.
                line["boards_match"] = (
                    line["stored_ok"] and line["lost"] == 0 and line["duplicates"] == 0
                )
            else:
                line = measure_fanout("brainstorm", urls, pids, data["tokens"], args)
        finally:
            for process in started:
                procs.stop(process)
            if procs.started:  # redis
                procs.stop_all()
        emit(line)
        lines.append(line)
        reference = args.reference if args.reference is not None else args.processes == 1
        if args.acks or not reference:
            return lines
        urls, started = start_node(procs)
        log(f"node-socket.io: on {urls[0]}")
        try:
            theirs = measure_fanout("node-socket.io", urls, [started[0].pid], data["tokens"], args)
        finally:
            procs.stop_all()
        emit(theirs)
        lines.append(theirs)
        ours_p95, theirs_p95 = line["p95_ms"], theirs["p95_ms"]
        ratio = round(ours_p95 / theirs_p95, 2) if ours_p95 and theirs_p95 else None
        ours_cpu, theirs_cpu = line["server_cpu_pct"], theirs["server_cpu_pct"]
        summary = {
            "benchmark": "fanout",
            "comparison": "brainstorm/node-socket.io",
            "clients": args.clients,
            "processes": args.processes,
            "p95_ms": ours_p95,
            "reference_p95_ms": theirs_p95,
            "ratio": ratio,
            "server_cpu_pct": ours_cpu,
            "reference_server_cpu_pct": theirs_cpu,
            "cpu_ratio": round(ours_cpu / theirs_cpu, 2) if theirs_cpu else None,
            "server_cpu_ms_per_idea": line["server_cpu_ms_per_idea"],
            "reference_server_cpu_ms_per_idea": theirs["server_cpu_ms_per_idea"],
            "clients_cpu_ms_per_idea": line["clients_cpu_ms_per_idea"],
            "reference_clients_cpu_ms_per_idea": theirs["clients_cpu_ms_per_idea"],
        }
        emit(summary)
        lines.append(summary)
        return lines
    finally:
        procs.stop_all()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=None, help="default 100 (500 with --acks)")
    parser.add_argument("--rate", type=float, default=5.0, help="ideas per second (fan-out)")
    parser.add_argument("--seconds", type=float, default=None, help="default 15 (10 with --acks)")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2, 3, 4))
    parser.add_argument("--client-procs", type=int, default=0, help="default 2, 4 past 500")
    parser.add_argument("--submitters", type=int, default=None, help="default 5 (50 with --acks)")
    parser.add_argument("--inflight", type=int, default=2, help="--acks: commands per submitter")
    parser.add_argument(
        "--submitters-apart",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--acks: the submitters' pages in a client process of their own",
    )
    parser.add_argument("--acks", action="store_true", help="measure ingest instead of fan-out")
    parser.add_argument("--reference", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--settle-quiet", type=float, default=2.0)
    parser.add_argument("--settle-limit", type=float, default=120.0)
    parser.add_argument("--drain", type=float, default=15.0, help="wait for late deliveries")
    parser.add_argument("--timeout", type=float, default=600.0, help="for the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, database)")
    parser.add_argument(
        "--light-clients", action="store_true", help="PageClient instead of socketio.AsyncClient"
    )
    args = parser.parse_args()
    args.clients = args.clients or (500 if args.acks else 100)
    args.seconds = args.seconds or (10.0 if args.acks else 15.0)
    args.submitters = args.submitters or (50 if args.acks else 5)
    limit = raise_nofile()
    if limit < 2 * args.clients + 200:
        log(f"open-files limit {limit} is low for {args.clients} clients")

    def out_of_time(*_):
        raise TimeoutError(f"the benchmark took longer than --timeout {args.timeout:.0f} s")

    def terminated(*_):
        raise SystemExit(143)  # so that the servers are stopped on the way out

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(int(args.timeout))
    try:
        run(args)
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    main()
