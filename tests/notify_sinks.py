"""Notification sinks on loopback for the tests: a tiny HTTP server that records each POST
(and can be told to fail the next N with a 500), and a tiny SMTP server (socketserver,
enough of RFC 5321 for smtplib) that records each message and can refuse the next N."""

from __future__ import annotations

import email
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        with server.lock:
            fail = server.fail_next > 0
            server.fail_next -= 1 if fail else 0
            server.calls += 1
        if fail:
            self.send_response(500)
            self.end_headers()
            return
        server.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class WebhookSink:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
        self.server.received, self.server.fail_next, self.server.calls, self.server.lock = [], 0, 0, threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def received(self) -> list:
        return self.server.received

    @property
    def calls(self) -> int:
        return self.server.calls

    def fail(self, n: int) -> None:
        self.server.fail_next = n

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Smtp(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        server = self.server
        self.reply("220 sala-test ESMTP")
        data_mode, lines, rcpt = False, [], []
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if line == ".":
                    data_mode = False
                    server.messages.append((rcpt, email.message_from_string("\n".join(lines))))
                    self.reply("250 OK queued")
                    lines, rcpt = [], []
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sala-test")
            elif verb == "MAIL":
                with server.lock:
                    refuse = server.refuse_next > 0
                    server.refuse_next -= 1 if refuse else 0
                self.reply("451 try again later" if refuse else "250 OK")
            elif verb == "RCPT":
                rcpt.append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                data_mode = True
                self.reply("354 end with .")
            elif verb == "RSET":
                rcpt = []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SmtpSink:
    def __init__(self):
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
        self.server.daemon_threads = True
        self.server.messages, self.server.refuse_next, self.server.lock = [], 0, threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def messages(self) -> list:
        return self.server.messages

    def refuse(self, n: int) -> None:
        self.server.refuse_next = n

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
