"""The chat API on 127.0.0.1: the Lambda's own router behind a small HTTP → API Gateway event adapter.

URL layout (one origin for the site and the API, so the site needs no CORS locally):

- ``/api/…``               the API (the Lambda's routes: ``/api/chat``, ``/api/conversations``, …); the API
                           URL printed, and given to the site, is ``http://127.0.0.1:<port>/api/``
- ``/api/openapi.json``    the committed OpenAPI document (no token needed)
- ``/config.json``         the site's runtime configuration (``{"apiUrl": "/api/", "auth": "local"}``) unless
                           the static folder has its own
- ``/…``                   the static site (``frontend/dist`` when built; any path without a file extension
                           falls back to ``index.html``, as CloudFront does for the single-page app)

The local authorizer stands in for Cognito: a request without ``Authorization: Bearer <token>`` or with a
token it does not know gets 401, as API Gateway's authorizer would; a known token becomes the claims
(``sub``, ``email``) the Lambda reads. Conversations are kept in SQLite under the data folder. Each server
thread has its own resolver (a resolver holds the current request), all sharing one set of services.
"""

from __future__ import annotations

import argparse
import base64
import json
import mimetypes
import os
import secrets
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.api_handler.app import PROBLEM_CONTENT_TYPE, Services, create_app, finish_job
from lambdas.api_handler.jobs import ThreadDispatcher

API_PREFIX = "/api"
REPO = Path(__file__).resolve().parents[1]
OPENAPI_FILE = REPO / "lambdas" / "api_handler" / "openapi.json"
DEFAULT_PORT = 8787
RESPONSE_BUFFER_BYTES = 64 * 1024
LOCAL_USER = {"sub": "local-user", "email": "analyst@localhost", "cognito:username": "local-analyst"}


@dataclass
class LocalAuthorizer:
    """Bearer tokens it accepts, each with the claims it stands for."""

    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def single(cls, token: str | None = None) -> LocalAuthorizer:
        return cls({token or secrets.token_urlsafe(24): dict(LOCAL_USER)})

    @property
    def token(self) -> str:
        return next(iter(self.tokens))

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            token = authorization.strip()  # API Gateway's Cognito authorizer also takes the bare token
        for known, claims in self.tokens.items():
            if secrets.compare_digest(token.strip().encode(), known.encode()):
                return claims
        return None


def to_event(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    claims: Mapping[str, str] | None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """An API Gateway REST proxy event (what the Cognito-authorised Lambda integration receives)."""
    params = parse_qs(query, keep_blank_values=True)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    context: dict[str, Any] = {
        "resourcePath": path,
        "httpMethod": method,
        "path": f"/local{path}",
        "stage": "local",
        "requestId": str(uuid.uuid4()),
        "identity": {"sourceIp": source_ip},
    }
    if claims is not None:
        context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in params.items()} or None,
        "multiValueQueryStringParameters": params or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": encoded,
    }


class LocalApi:
    """Resolves API Gateway events with a per-thread resolver over shared services."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._local = threading.local()

    def resolve(self, event: dict[str, Any]) -> dict[str, Any]:
        app = getattr(self._local, "app", None)
        if app is None:
            app = self._local.app = create_app(self.services)
        result: dict[str, Any] = app.resolve(event, cast(LambdaContext, _LocalContext()))
        return result


class _LocalContext:
    function_name = "post-call-analytics-api-handler"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:post-call-analytics-api-handler"
    aws_request_id = "local"


def _problem(status: int, title: str, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    return status, {"Content-Type": PROBLEM_CONTENT_TYPE}, body


class LocalServer:
    """The API (and optionally the static site) on ``host:port``; ``port=0`` picks a free port."""

    def __init__(
        self,
        api: LocalApi,
        authorizer: LocalAuthorizer,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        static_dir: Path | None = None,
        openapi_file: Path = OPENAPI_FILE,
    ) -> None:
        self.api = api
        self.authorizer = authorizer
        self.static_dir = static_dir.resolve() if static_dir is not None else None
        self.openapi_file = openapi_file
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "post-call-analytics"
            sys_version = ""
            # A response leaves in one write (status line, headers and body buffered together) on a socket
            # without Nagle's algorithm: written in two parts, the body would wait for the client's delayed
            # ACK of the headers (about 40 ms on Linux) on every keep-alive request.
            disable_nagle_algorithm = True
            wbufsize = RESPONSE_BUFFER_BYTES

            def handle_one_request(self) -> None:
                # Every method goes to the router (the standard handler would answer unknown ones with 501).
                try:
                    self.raw_requestline = self.rfile.readline(65537)
                    if not self.raw_requestline:
                        self.close_connection = True
                        return
                    if self.parse_request():
                        server.handle(self)
                    self.wfile.flush()
                except (TimeoutError, ConnectionError):
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = str(self.httpd.server_address[0]), int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}{API_PREFIX}/"

    # ── request handling ─────────────────────────────────────────────────────────────────────────────────

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length > 0 else b""
        parts = urlsplit(request.path)
        if parts.path == API_PREFIX or parts.path.startswith(API_PREFIX + "/"):
            path = unquote(parts.path[len(API_PREFIX) :]) or "/"  # API Gateway hands over the decoded path
            status, headers, payload = self.handle_api(request, path, parts.query, body)
        else:
            status, headers, payload = self.handle_static(request.command, parts.path)
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(payload)

    def handle_api(
        self, request: BaseHTTPRequestHandler, path: str, query: str, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if path == "/openapi.json" and request.command == "GET":
            return 200, {"Content-Type": "application/json"}, self.openapi_file.read_bytes()
        headers = {name: value for name, value in request.headers.items()}
        claims = None
        if request.command != "OPTIONS":  # the CORS preflight is answered without the authorizer, as in AWS
            claims = self.authorizer.claims(request.headers.get("Authorization"))
            if claims is None:
                return _problem(
                    401, "Unauthorized", "A valid token is required: Authorization: Bearer <token>."
                )
        event = to_event(request.command, path, query, headers, body, claims, request.client_address[0])
        result = self.api.resolve(event)
        out: dict[str, str] = {}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            out[name] = ", ".join(str(v) for v in values)
        out.update({name: str(value) for name, value in (result.get("headers") or {}).items()})
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
        return int(result["statusCode"]), out, payload

    def handle_static(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if method not in ("GET", "HEAD"):
            return _problem(405, "Method Not Allowed", "The site is read-only; the API is under /api/.")
        if path == "/config.json" and (
            self.static_dir is None or not (self.static_dir / "config.json").is_file()
        ):
            config = {"apiUrl": f"{API_PREFIX}/", "auth": "local"}
            return (
                200,
                {"Content-Type": "application/json", "Cache-Control": "no-store"},
                json.dumps(config).encode(),
            )
        if self.static_dir is None:
            if path == "/":
                text = (
                    "post-call-analytics: the chat API is at /api/ (OpenAPI document: /api/openapi.json). "
                    "Build the chat site (frontend/) to serve it here.\n"
                )
                return 200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()
            return _problem(404, "Not Found", "No such page; the API is under /api/.")
        relative = path.lstrip("/") or "index.html"
        target = (self.static_dir / relative).resolve()
        if target != self.static_dir and self.static_dir not in target.parents:
            return _problem(404, "Not Found", "No such file.")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            if "." in Path(relative).name:
                return _problem(404, "Not Found", "No such file.")
            target = self.static_dir / "index.html"  # client-side route of the single-page app
            if not target.is_file():
                return _problem(404, "Not Found", "The site has no index.html.")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        cache = "no-cache" if target.name == "index.html" else "public, max-age=3600"
        return 200, {"Content-Type": content_type, "Cache-Control": cache}, target.read_bytes()

    # ── lifecycle ────────────────────────────────────────────────────────────────────────────────────────

    def start(self) -> LocalServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="pca-api", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def local_services(
    data_dir: Path,
    *,
    answer_timeout_seconds: float | None = None,
    requests_per_minute: int | None = None,
    answerer: Any = None,
) -> Services:
    """The embedded wiring: the DuckDB answer engine, SQLite conversations, local transcripts, thread jobs."""
    from lambdas.api_handler.calls import LocalTranscripts
    from lambdas.api_handler.store import SqliteStore
    from lambdas.api_handler.wiring import ApiSettings, answerer_over, build_services, calls_over
    from lambdas.shared.answering.setup import duckdb_engine
    from orchestration.paths import data_paths

    paths = data_paths(data_dir)
    settings = ApiSettings.from_env()
    if answer_timeout_seconds is not None or requests_per_minute is not None:
        import dataclasses

        settings = dataclasses.replace(
            settings,
            answer_timeout_seconds=answer_timeout_seconds or settings.answer_timeout_seconds,
            requests_per_minute=requests_per_minute or settings.requests_per_minute,
        )
    engine = duckdb_engine(paths)
    dispatcher = ThreadDispatcher()
    services = build_services(
        settings,
        store=SqliteStore(paths.root / "conversations.sqlite"),
        answerer=answerer or answerer_over(engine),
        dispatcher=dispatcher,
        calls=calls_over(engine, LocalTranscripts(paths.transcribe)),
    )
    dispatcher.finish = lambda job_id, compute: finish_job(services, job_id, compute)
    return services


def default_static_dir() -> Path | None:
    dist = REPO / "frontend" / "dist"
    return dist if (dist / "index.html").is_file() else None


def print_banner(server: LocalServer, token: str) -> None:
    print(f"\nChat API on {server.api_url}  (Ctrl-C stops it)")
    if server.static_dir is not None:
        print(f"Chat site on {server.url}/  (from {server.static_dir})")
        print(f"Signed-in link: {server.url}/#token={token}")
    print(f"Local token: {token}\n")
    print("Try the runbook's Test 4:")
    print(f'  API_URL="{server.api_url}"')
    print(f'  TOKEN="{token}"')
    print('  curl -X POST "${API_URL}chat" -H "Authorization: Bearer $TOKEN" \\')
    print(
        '    -H "Content-Type: application/json" -d \'{"question": "How many total calls are in the database?"}\''
    )


def serve(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    static_dir: Path | None = None,
    token: str | None = None,
) -> int:
    """Serve until Ctrl-C."""
    authorizer = LocalAuthorizer.single(token or os.environ.get("PCA_LOCAL_TOKEN") or None)
    server = LocalServer(
        LocalApi(local_services(data_dir)), authorizer, host=host, port=port, static_dir=static_dir
    )
    print_banner(server, authorizer.token)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.httpd.server_close()
    return 0


# ── `pca serve` ────────────────────────────────────────────────────────────────────────────────────────────


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PCA_API_PORT", DEFAULT_PORT)),
        help=f"port (default $PCA_API_PORT or {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--static", type=Path, default=None, help="serve this folder at / (default frontend/dist when built)"
    )
    parser.add_argument(
        "--token", default=None, help="the local bearer token (default $PCA_LOCAL_TOKEN or random)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None, help="data folder (default $PCA_DATA_DIR or ./data)")
    add_server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from orchestration.paths import data_paths

    paths = data_paths(args.data_dir)
    if not paths.warehouse.is_file():
        print(f"error: no warehouse at {paths.warehouse}; run `pca up --no-serve` first", flush=True)
        return 1
    return serve(
        paths.root,
        host=args.host,
        port=args.port,
        static_dir=args.static or default_static_dir(),
        token=args.token,
    )
