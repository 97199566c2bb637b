"""Real servers for the tests: PostgreSQL and Redis from Debian's packages, and the app under
gunicorn + gevent as in production. Each runs on a free port and a folder of its own, and is
stopped by the fixture that started it. `make test` installs the packages when missing."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

# Debian's Chromium, as the browser tests and docs/screenshots.py drive it (never a download).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def real_clock_env() -> dict[str, str]:
    """The environment without libfaketime: `make test-clock` moves the app's clock, not the
    clock of PostgreSQL and Redis (Redis does not even start under it)."""
    return {
        name: value
        for name, value in os.environ.items()
        if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


class Postgres:
    """A throwaway PostgreSQL cluster: fsync off, trust on 127.0.0.1, one database per test."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL missing: run `make test` (installs Debian's postgresql)")
        self.bin = Path(found[-1]).parent
        # The server refuses to run as root; as root it runs as Debian's `postgres` user.
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="brainstorm-pg-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._names = 0

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else list(args)

    def start(self) -> Postgres:
        """initdb, then run the server in the foreground of a child process."""
        subprocess.run(
            self._command(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
            check=True, capture_output=True, env=real_clock_env(),
        )  # fmt: skip
        self._run()
        return self

    def _run(self) -> None:
        log = self.dir / "server.log"
        settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        settings += ["listen_addresses=127.0.0.1", f"unix_socket_directories={self.dir}"]
        settings += ["max_connections=200"]
        command = [str(self.bin / "postgres"), "-D", str(self.dir / "data"), "-p", str(self.port)]
        for setting in settings:
            command += ["-c", setting]
        with open(log, "a") as out:
            self.process = subprocess.Popen(
                self._command(*command), stdout=out, stderr=subprocess.STDOUT, env=real_clock_env()
            )
        _wait_for_port(self.port, self.process, "PostgreSQL", log)
        deadline = time.monotonic() + 20
        probe = self._psql("postgres", "SELECT 1")
        while subprocess.run(probe, capture_output=True, env=real_clock_env()).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL does not answer:\n{log.read_text()}")
            time.sleep(0.1)

    def _psql(self, database: str, sql: str) -> list[str]:
        return [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]  # fmt: skip

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database (psycopg 3, as in production)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of a template database; returns its URL."""
        self._names += 1
        name = f"test_{os.getpid()}_{self._names}"
        self.sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Remove a database, closing whatever still holds it."""
        self.sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def restart(self) -> None:
        """Stop the server and start it again on the same data (a database restart)."""
        self.stop(keep_data=True)
        self._run()

    def stop(self, keep_data: bool = False) -> None:
        """Fast shutdown (SIGINT); the folder goes too unless keep_data."""
        if self.process and self.process.poll() is None:
            # Signal the postmaster itself: runuser, its parent as root, does not pass it on.
            pid_file = self.dir / "data" / "postmaster.pid"
            pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else self.process.pid
            os.kill(pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not keep_data:
            shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A throwaway Redis without persistence."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RuntimeError("Redis missing: run `make test` (installs Debian's redis-server)")
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="brainstorm-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> Redis:
        """Run redis-server on 127.0.0.1 only, with no files."""
        log = self.dir / "redis.log"
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.dir)]
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=real_clock_env()
            )
        _wait_for_port(self.port, self.process, "Redis", log)
        return self

    def kill(self) -> None:
        """SIGKILL: gone at once, and with it everything it held (it keeps nothing on disk)."""
        self.process.kill()
        self.process.wait()

    def restart(self) -> None:
        """Start again on the same port, empty, as after a crash."""
        self.start()

    def stop(self) -> None:
        """Stop it and remove its folder."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Nginx:
    """Debian's nginx as a normal child process with deploy/nginx.conf, in a folder of its own,
    in front of the given app servers (as `make run-scaled` fills it in)."""

    def __init__(self, backends: list[AppServer]) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise RuntimeError("nginx missing: run `make test` (installs Debian's nginx)")
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="brainstorm-nginx-"))
        (self.dir / "temp").mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lines = []
        for line in (ROOT / "deploy" / "nginx.conf").read_text().splitlines():
            line = line.replace("@LISTEN@", f"127.0.0.1:{self.port}")
            line = line.replace("@STATIC@", str(ROOT / "static"))
            if "@BACKEND@" in line:
                lines += [line.replace("@BACKEND@", f"127.0.0.1:{b.port}") for b in backends]
            else:
                lines.append(line)
        config = "\n".join(lines) + "\n"
        (self.dir / "nginx.conf").write_text(config)
        self.process: subprocess.Popen | None = None

    def start(self) -> Nginx:
        """Run nginx in the foreground; as root its worker stays root (the folder is ours)."""
        log = self.dir / "nginx.log"
        main = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
        command = [self.binary, "-p", str(self.dir), "-c", "nginx.conf", "-g", main]
        with open(log, "w") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _wait_for_port(self.port, self.process, "nginx", log)
        return self

    def stop(self) -> None:
        """Quick shutdown (SIGTERM), and its folder goes."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class AppServer:
    """gunicorn + gevent on a port of its own, as in production; restartable."""

    def __init__(self, tmp: Path, database_url: str, **env: str):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "e2e-secret",
            "BRAINSTORM_RATELIMIT_ENABLED": "false",
            "BRAINSTORM_MAIL_OUTBOX": str(tmp / "outbox"),
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.log_path = tmp / f"server-{self.port}.log"

    def start(self) -> None:
        """Start gunicorn and wait until it answers."""
        self.log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1"]
        command += ["--no-control-socket", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
        command += ["-b", f"127.0.0.1:{self.port}", "wsgi:app"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(self.url + "/join", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(self.log_path.read_text()) from None
                time.sleep(0.2)

    def workers(self) -> list[int]:
        """The pids of gunicorn's worker processes (the ones holding the websockets)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self) -> None:
        """SIGKILL to gunicorn and its worker: no shutdown at all, as when the machine loses
        power (a worker left behind would keep its websockets open a moment longer)."""
        for pid in self.workers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        """Stop gunicorn (connections drop, as when a server goes away)."""
        if self.process and self.process.poll() is None:
            # SIGINT is gunicorn's quick shutdown: open websockets are dropped, not waited for.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
