"""Local stand-ins for the outside world: an SMS provider over HTTP and an SMTP sink."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsProvider:
    """A Twilio-like provider on loopback that honours Idempotency-Key.

    `hold_first` makes the first request wait (the sender is mid-delivery)
    until `release` is set, so a test can kill the sender at that moment.
    """

    def __init__(self, *, fail_with: int = 0, hold_first: bool = False) -> None:
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}  # idempotency key (or a counter) -> SMS
        self.fail_with = fail_with
        self.hold_first = hold_first
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                req = {"path": self.path, "headers": dict(self.headers), "raw": raw}
                if "json" in self.headers.get("Content-Type", ""):
                    req["fields"] = json.loads(raw)
                else:
                    req["fields"] = {
                        k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()
                    }
                provider.requests.append(req)
                key = self.headers.get("Idempotency-Key") or f"no-key-{len(provider.requests)}"
                if provider.fail_with:
                    self._answer(provider.fail_with, {"message": "provider trouble"})
                    return
                first = key not in provider.delivered
                if first:
                    provider.delivered[key] = {
                        "sid": f"SM{len(provider.delivered) + 1:04d}",
                        **req["fields"],
                    }
                if provider.hold_first and len(provider.requests) == 1:
                    provider.first_arrived.set()
                    provider.release.wait(60)  # the SMS is out; the sender waits for our answer
                self._answer(201 if first else 200, {"sid": provider.delivered[key]["sid"]})

            def _answer(self, code, payload):
                body = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = (
            f"http://127.0.0.1:{self.server.server_port}/2010-04-01/Accounts/AC1/Messages.json"
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it accepts."""

    def __init__(self, *, hold_first: bool = False) -> None:
        import asyncio

        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        self.sessions = 0
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        sink = self

        class Handler:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
                sink.sessions += 1
                if hold_first and sink.sessions == 1:  # the sender waits for our greeting
                    sink.first_arrived.set()
                    while not sink.release.is_set():
                        await asyncio.sleep(0.05)
                session.host_name = hostname
                return responses

            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                sink.messages.append(
                    {
                        "from": envelope.mail_from,
                        "to": list(envelope.rcpt_tos),
                        "data": envelope.content.decode("utf8", errors="replace"),
                    }
                )
                return "250 OK"

        import socket

        with socket.socket() as probe:  # a free port (aiosmtpd's start-up check needs a real one)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.release.set()
        self.controller.stop()
