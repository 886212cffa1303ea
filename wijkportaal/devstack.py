"""Run the embedded stack of `make run`: web server, Celery worker and Celery beat.

Ctrl-C (or any one process ending) stops all three, so nothing is left running."""

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def commands(port: str) -> list[list[str]]:
    python, celery = sys.executable, os.path.join(os.path.dirname(sys.executable), "celery")
    return [
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        [celery, "-A", "wijkportaal", "worker", "--loglevel=INFO", "--concurrency=2"],
        [celery, "-A", "wijkportaal", "beat", "--loglevel=INFO", "--pidfile="],
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()  # reap it: no zombie left behind


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    port = os.environ.get("PORT", "8000")
    processes = [subprocess.Popen(command) for command in commands(port)]
    signal.signal(signal.SIGTERM, interrupted)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
