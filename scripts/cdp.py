"""A minimal Chrome DevTools Protocol client for headless Chromium (benchmarks and
browser tests): start the browser, open a page, evaluate JavaScript, wait for a
condition. Uses websocket-client (the ``bench`` and ``test`` extras)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """Path of a Chromium-like browser, or ``None``."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Page:
    """One browser page driven over the DevTools protocol."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    def call(self, method: str, **params: object) -> dict:
        """Send a command and return its result."""
        i = next(self._ids)
        self._ws.send(json.dumps({"id": i, "method": method, "params": params}))
        while True:
            msg = json.loads(self._ws.recv())
            if msg.get("id") == i:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def navigate(self, url: str) -> None:
        """Open a URL."""
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str) -> object:
        """Evaluate JavaScript in the page and return its (JSON) value."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60.0, interval: float = 0.05) -> object:
        """Evaluate ``expression`` until it is truthy; return its value."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:  # the page is still loading
                value = None
            if value:
                return value
            time.sleep(interval)
        raise TimeoutError(expression)


@contextlib.contextmanager
def browser(*extra: str, width: int = 1200, height: int = 900) -> Iterator[Page]:
    """Start headless Chromium with remote debugging and yield its first page."""
    import websocket

    exe = find_chromium()
    if exe is None:
        raise RuntimeError("chromium not found")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [
                exe,
                *FLAGS,
                *extra,
                f"--window-size={width},{height}",
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed as a whole below
        )
        try:
            pages: list[dict] = []
            for _ in range(200):
                with (
                    contextlib.suppress(OSError, ValueError),
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r,
                ):
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    break
                time.sleep(0.05)
            ws = websocket.create_connection(
                pages[0]["webSocketDebuggerUrl"], timeout=120, suppress_origin=True
            )
            try:
                yield Page(ws)
            finally:
                ws.close()
        finally:  # the browser and its helper processes (nothing to save: kill them)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
