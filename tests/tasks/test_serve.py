"""`dutyloop serve`: gunicorn and a consumer as children; SIGINT (Ctrl-C) stops both."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from service.db import open_database
from service.migrations import upgrade

from .conftest import wait_for

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _processes_of(instance: Path) -> list[int]:
    """Live processes started for this instance (by its DUTYLOOP_INSTANCE), however parented."""
    marker = f"DUTYLOOP_INSTANCE={instance}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0") and _alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


def test_serve_runs_gunicorn_and_a_consumer_and_ctrl_c_stops_both(tmp_path):
    url = f"sqlite:///{tmp_path}/serve.sqlite3"
    upgrade(open_database(url))
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, DUTYLOOP_INSTANCE=str(tmp_path / "instance"))
    env.pop("DUTYLOOP_HUEY_IMMEDIATE", None)
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--web-workers", "1", "--task-workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz") == 200, timeout=90, what="gunicorn to answer")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=30) as response:
            assert response.headers.get("Server") is None  # gunicorn does not name itself (docs/security.md)
            assert response.headers["Cache-Control"] == "no-store"
        children = _children(proc.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in children]
        assert any("gunicorn" in c for c in commands) and any("service.cli worker" in c for c in commands), commands
        wait_for(lambda: "consumer" in (tmp_path / "serve.log").read_text(), timeout=60, what="the consumer to start")
        grandchildren = [g for c in children for g in _children(c)]  # gunicorn's workers
        proc.send_signal(signal.SIGINT)
        assert proc.wait(40) == 0
        wait_for(lambda: not any(_alive(pid) for pid in children + grandchildren), timeout=30,
                 what="every child to stop")
        assert not _processes_of(tmp_path / "instance")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = (tmp_path / "serve.log").read_text()
    assert "Listening at: http://127.0.0.1:%d" % port in output and "Consumer exiting" in output
    assert "Shutting down: Master" in output and "Control socket" not in output


def test_when_one_child_exits_serve_stops_the_other_and_fails(tmp_path):
    url = f"sqlite:///{tmp_path}/serve.sqlite3"
    upgrade(open_database(url))
    env = dict(os.environ, DATABASE_URL=url, DUTYLOOP_INSTANCE=str(tmp_path / "instance"))
    env.pop("DUTYLOOP_HUEY_IMMEDIATE", None)
    with socket.socket() as taken:  # the port is in use: gunicorn gives up
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        log = open(tmp_path / "serve.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port),
                                 "--web-workers", "1", "--task-workers", "1"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert proc.wait(120) != 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    wait_for(lambda: not _processes_of(tmp_path / "instance"), timeout=20, what="the consumer to stop")
    assert "web exited with status" in (tmp_path / "serve.log").read_text()
