"""Test doubles for the answering tests: a scripted HTTP server on 127.0.0.1 and a tiny DuckDB warehouse."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb


class ScriptedServer:
    """Answers each POST with the next scripted JSON body and records what it was sent."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, dict[str, Any]]] = []
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, body, dict(self.headers)))
                status, reply = server.replies.pop(0) if server.replies else (500, {"message": "no reply"})
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def script(self, *replies: dict[str, Any], status: int = 200) -> None:
        self.replies.extend((status, r) for r in replies)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


CALLS = [
    # call_id, agent_name, team, queue, direction, started_at, handle_seconds
    ("c1", "Dana Reyes", "Billing East", "Billing", "INBOUND", "2026-02-03 10:00:00", 300),
    ("c2", "Dana Reyes", "Billing East", "Billing", "OUTBOUND", "2026-02-10 11:00:00", 120),
    ("c3", "Omar Haddad", "Tech Support", "Technical", "INBOUND", "2026-02-20 09:30:00", 600),
    ("c4", "Omar Haddad", "Tech Support", "Technical", "INBOUND", "2026-03-02 14:00:00", 420),
    ("c5", "Lena Park", "Billing East", "Billing", "INBOUND", "2026-03-16 16:45:00", 240),
    ("c6", "Lena Park", "Billing East", "Sales", "OUTBOUND", "2026-03-17 08:15:00", 60),
]


def build_tiny_warehouse(root: Path) -> tuple[Path, Path]:
    """A DuckDB file with a ``post_call_analytics.calls`` table of six calls, and an empty lake folder."""
    warehouse = root / "warehouse.duckdb"
    lake = root / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema post_call_analytics")
        connection.execute(
            """
            create table post_call_analytics.calls (
                call_id varchar, agent_name varchar, team varchar, queue varchar, direction varchar,
                started_at timestamp, call_date date, handle_seconds integer
            )
            """
        )
        for row in CALLS:
            connection.execute(
                "insert into post_call_analytics.calls values (?, ?, ?, ?, ?, ?, cast(? as date), ?)",
                [*row[:6], str(row[5])[:10], row[6]],
            )
    return warehouse, lake
