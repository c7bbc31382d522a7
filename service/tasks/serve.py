"""``dutyloop serve``: gunicorn and a task consumer side by side, stopped together.

Each child runs in a session of its own, so a Ctrl-C at the terminal reaches
only this process, which then stops each child the way it stops cleanly
(gunicorn: SIGTERM, finishing requests; the consumer: SIGINT, finishing tasks
for a few seconds). If either child exits, the other is stopped too. On Linux
the children also get SIGTERM if this process is killed outright.
"""
from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time

STOP_SECONDS = 15  # after this, a child that has not stopped is killed
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover (runs in the child before exec)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the children outlive a killed runner


def _gunicorn_options() -> list[str]:
    import gunicorn
    # gunicorn 27 opens a control socket at one path per user (~/.gunicorn):
    # a second instance on the machine would take it over. Nothing here uses it.
    return ["--no-control-socket"] if gunicorn.version_info >= (27,) else []


def commands(host: str, port: int, web_workers: int, task_workers: int) -> list[tuple[str, list[str], int]]:
    """(name, argv, stop signal) of each child."""
    python = sys.executable
    return [
        ("web", [python, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(web_workers),
                 "--access-logfile", "-", "--config", "python:service.tasks.gunicorn_config", *_gunicorn_options(),
                 "service:create_app()"], signal.SIGTERM),
        ("tasks", [python, "-m", "service.cli", "worker", "--workers", str(task_workers)], signal.SIGINT),
    ]


def serve(host: str, port: int, *, web_workers: int = 2, task_workers: int = 2) -> int:
    """Run the web server and the consumer until Ctrl-C or SIGTERM; returns an exit status."""
    stopping: list[int] = []

    def _on_signal(signum, _frame):
        stopping.append(signum)

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children: list[tuple[str, subprocess.Popen, int]] = []
    status = 0
    try:
        for name, argv, stop_signal in commands(host, port, web_workers, task_workers):
            children.append((name, subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent),
                             stop_signal))
        print(f"serving http://{host}:{port} (gunicorn, {web_workers} workers) and a task consumer "
              f"({task_workers} threads); Ctrl-C stops both", flush=True)
        while not stopping:
            ended = [(name, proc.returncode) for name, proc, _sig in children if proc.poll() is not None]
            if ended:
                name, code = ended[0]
                print(f"{name} exited with status {code}; stopping the rest", file=sys.stderr, flush=True)
                status = code or 1
                break
            time.sleep(0.2)
    finally:
        _stop(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status


def _stop(children) -> None:
    for _name, proc, stop_signal in children:
        if proc.poll() is None:
            proc.send_signal(stop_signal)
    deadline = time.monotonic() + STOP_SECONDS
    for name, proc, _sig in children:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in {STOP_SECONDS} s; killing it", file=sys.stderr, flush=True)
            proc.kill()
            proc.wait()
