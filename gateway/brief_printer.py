"""Printing pages to PDF with the browser itself: one headless Chromium,
driven over the DevTools protocol (``Page.printToPDF``, through
websocket-client), prints every page it is given; starting a browser per page
cost 1.5-3 s each, too slow for every LDC's brief at once. Several pages can
be printed at once, each in a tab of its own (each call from its own green
thread): one reader dispatches the browser's answers to the calls by id."""
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time

import eventlet
import eventlet.semaphore
from eventlet.event import Event
import websocket

from observatory.errors import ServiceUnavailable

START_SECONDS = 20  # the browser's start, at most
PAGE_SECONDS = 30  # one page's load and print, at most


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Printer:
    """``with Printer() as p: p.print_file(path)`` → PDF bytes."""

    def __enter__(self):
        browser = chromium()
        if browser is None:
            raise ServiceUnavailable("briefs as PDF need Chromium (apt-get install chromium)", {"pdf": "unavailable"})
        self.tmp = tempfile.TemporaryDirectory(prefix="printer-")
        profile = os.path.join(self.tmp.name, "profile")
        self.process = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--allow-file-access-from-files", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.socket = websocket.create_connection(self._address(profile), timeout=PAGE_SECONDS,
                                                      suppress_origin=True)
        except Exception:
            self._stop()
            raise
        self.ids = itertools.count(1)
        self.waiting = {}  # call id -> Event its answer is sent to
        self.sending = eventlet.semaphore.Semaphore()
        self.reader = eventlet.spawn(self._read)
        return self

    def _read(self):
        """Hand each answer to the call waiting for it; events of the pages are skipped."""
        try:
            while True:
                answer = json.loads(self.socket.recv())
                waiter = self.waiting.pop(answer.get("id"), None)
                if waiter is not None:
                    waiter.send(answer)
        except Exception as exc:  # the socket closed (the printer stops) or broke: every waiting call fails
            for waiter in list(self.waiting.values()):
                waiter.send({"error": {"message": f"the browser's connection ended: {exc}"}})
            self.waiting.clear()

    def _address(self, profile):
        """The browser's DevTools address, from the file it writes once it listens."""
        marker = os.path.join(profile, "DevToolsActivePort")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if os.path.exists(marker):
                with open(marker) as f:
                    lines = f.read().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise ServiceUnavailable("the browser that prints briefs did not start", {"pdf": "unavailable"})

    def call(self, method, params=None, session=None):
        call_id, waiter = next(self.ids), Event()
        message = {"id": call_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.waiting[call_id] = waiter
        with self.sending:  # one frame at a time on the socket
            self.socket.send(json.dumps(message))
        try:
            with eventlet.Timeout(PAGE_SECONDS, ServiceUnavailable(f"the browser did not answer {method}",
                                                                   {"pdf": "unavailable"})):
                answer = waiter.wait()
        finally:
            self.waiting.pop(call_id, None)
        if "error" in answer:
            raise ServiceUnavailable(f"the browser refused {method}", {"error": answer["error"]})
        return answer.get("result", {})

    def print_file(self, path):
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.navigate", {"url": f"file://{path}"}, session)
            deadline = time.monotonic() + PAGE_SECONDS
            while self.call("Runtime.evaluate", {"expression": "document.readyState", "returnByValue": True},
                            session)["result"].get("value") != "complete":
                if time.monotonic() > deadline:
                    raise ServiceUnavailable("a brief took too long to load for printing", {"path": path})
                time.sleep(0.02)
            result = self.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session)
            return base64.b64decode(result["data"])
        finally:
            self.call("Target.closeTarget", {"targetId": target})

    def print_html(self, html, name="page"):
        path = os.path.join(self.tmp.name, f"{name}.html")
        with open(path, "wb") as f:
            f.write(html)
        try:
            return self.print_file(path)
        finally:
            os.unlink(path)

    def _stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.tmp.cleanup()

    def __exit__(self, *exc):
        try:
            self.socket.close()
            self.reader.kill()
        finally:
            self._stop()
