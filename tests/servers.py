"""The real servers (gunicorn with config/gunicorn.conf.py, runserver) in a subprocess on a
loopback port, for tests that read what they write to stdout and stderr."""

import http.client
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """A production-like environment (DEBUG off unless asked) on loopback, plain HTTP."""
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": tempfile.gettempdir(),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "only-for-a-test-server",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "0",
        **extra,
    }


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
        timeout=300,
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Server:
    port: int
    out_path: Path
    err_path: Path
    answers: list[Answer] = field(default_factory=list)

    def request(self, method: str, path: str, headers: dict | None = None) -> Answer:
        """`path` is sent exactly as given (percent escapes, case), as a client would."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            answer = Answer(response.status, dict(response.getheaders()), body)
        finally:
            connection.close()
        self.answers.append(answer)
        return answer

    @property
    def stdout(self) -> str:
        return self.out_path.read_text()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def running(kind: str, env: dict[str, str], workdir: Path):
    """gunicorn (the shipped config, one worker, a port it picks) or runserver (--noreload).

    Stopped with SIGTERM on exit; its output stays readable on the Server afterwards.
    """
    out_path, err_path = workdir / f"{kind}.stdout", workdir / f"{kind}.stderr"
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"]
        env = {"GUNICORN_BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1", **env}
        port = 0
    else:
        port = _free_port()
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with open(out_path, "w") as out, open(err_path, "w") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{kind} exited: {err_path.read_text()}")
            if kind == "gunicorn" and not port:
                found = LISTENING.search(err_path.read_text())
                port = int(found.group(1)) if found else 0
            # gunicorn listens before its worker has loaded Django: wait for an answer.
            if port and _accepts(port) and _answers(port):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{kind} did not start: {err_path.read_text()}")
            time.sleep(0.2)
        server = Server(port, out_path, err_path)
        yield server
        _wait_for_the_log(server)
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_the_log(server: Server) -> None:
    """Servers log a request after answering it: one more request, then wait for its line."""
    marker = f"/static/css/app.css?end-of-test={time.monotonic_ns()}"
    server.request("HEAD", marker)
    server.answers.pop()
    deadline = time.monotonic() + 30
    while marker not in server.stdout + server.stderr and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)


def _answers(port: int) -> bool:
    """The server answers a request (any status) that reaches no secret and no database."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("HEAD", "/static/css/app.css")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True
