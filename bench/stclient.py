"""A visitor without a browser: Streamlit's websocket protocol, spoken by hand.

A browser opening the page does three things the server cares about: it fetches `/` (behind a
balancer, that answer carries the sticky-session cookie), opens a websocket at `/_stcore/stream`
(subprotocol `streamlit`, with the cookie and an `Origin` matching the host), and sends a
`BackMsg` whose `rerun_script` holds the page's query string. The server answers with
`ForwardMsg`s: `new_session`, the page's elements as `delta`s, and `script_finished`. A filter
change is another `rerun_script` with the new query string (the app reads its filters from the
URL when the URL changed outside it, as after Back or an edited link).

`Visitor` is synchronous (websocket-client); under Locust, gevent makes it cooperative. It keeps
the cookies like a browser, so a visitor stays on its replica, and reconnects like a browser
when its connection drops: a fresh `/`, a fresh websocket, and the last query string again, so
its view comes back from the URL on whichever replica the balancer picks.
"""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

DEFERRED = "deferred:"  # a download written on click: `download_url` asks the session for it
COOKIE = "SERVERID"  # the balancer's sticky-session cookie (deploy/haproxy.cfg)


class ProtocolError(RuntimeError):
    """The run did not finish as it should (an exception element, a bad finish, no answer)."""


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    messages: int
    bytes: int
    elements: int
    charts: int
    exceptions: list[str]
    status: str  # how the run finished: FINISHED_SUCCESSFULLY, ...
    markdown: list[str] = field(default_factory=list)  # the Markdown elements' texts
    # Download buttons: their URL (/media/...), or DEFERRED + file id when written on click.
    downloads: list[str] = field(default_factory=list)
    uploaders: list[str] = field(default_factory=list)  # the file uploaders' element ids


@dataclass
class Visitor:
    """One browser tab's worth of protocol. `base` is e.g. `http://127.0.0.1:8501`."""

    base: str
    timeout: float = 60.0
    cookies: dict[str, str] = field(default_factory=dict)
    ws: websocket.WebSocket | None = None
    query: str = ""
    reconnects: int = 0
    session_id: str = ""
    seen: dict[str, ForwardMsg] = field(default_factory=dict)  # messages by hash (ref_hash)
    _last_cookies: list[str] = field(default_factory=list)  # what the last `get` set
    # The local address to connect from (e.g. "127.0.0.3"): on loopback, tests and floods play
    # clients at different addresses, as the balancer's per-address limits see them.
    source: str | None = None

    # --- the connection ----------------------------------------------------------------------

    @property
    def replica(self) -> str | None:
        """The replica the balancer pinned this visitor to (its cookie), if any."""
        return self.cookies.get(COOKIE)

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: list[str]) -> None:
        for value in headers:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def _http(self):
        import http.client

        parts = urlsplit(self.base)
        source = (self.source, 0) if self.source else None
        return http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=self.timeout, source_address=source
        )

    def fetch_page(self) -> None:
        """GET / as a browser does first; keeps the cookies it sets (the balancer's)."""
        conn = self._http()
        try:
            headers = {"Cookie": self._cookie_header()} if self.cookies else {}
            conn.request("GET", "/", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise ProtocolError(f"GET / answered {response.status}")
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, bytes]:
        """GET `path` with this visitor's cookies (e.g. a download link): status and body."""
        conn = self._http()
        try:
            headers = {"Cookie": self._cookie_header()} if self.cookies else {}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            self._last_cookies = response.headers.get_all("Set-Cookie") or []
            return response.status, response.read()
        finally:
            conn.close()

    def connect(self) -> None:
        parts = urlsplit(self.base)
        headers = [f"Cookie: {self._cookie_header()}"] if self.cookies else []
        sock = None
        if self.source:
            sock = socket.create_connection(
                (parts.hostname, parts.port), timeout=self.timeout, source_address=(self.source, 0)
            )
        try:
            self.ws = websocket.create_connection(
                f"ws://{parts.netloc}/_stcore/stream",
                subprotocols=["streamlit"],
                origin=f"{parts.scheme}://{parts.netloc}",
                header=headers,
                timeout=self.timeout,
                enable_multithread=False,
                socket=sock,
            )
        except BaseException:
            if sock is not None:
                sock.close()
            raise

    def send(self, msg: BackMsg) -> None:
        """Send one BackMsg as it is and read nothing (floods: `clear_cache`, reruns)."""
        if self.ws is None:
            raise ProtocolError("not connected")
        self.ws.send_binary(msg.SerializeToString())

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close(timeout=1)
            self.ws = None

    # --- runs -----------------------------------------------------------------------------------

    def open(self, query: str = "") -> Run:
        """Open the page at `?query`: GET /, the websocket, the first run."""
        t0 = time.perf_counter()
        self.fetch_page()
        self.connect()
        run = self._run(query)
        run.seconds = time.perf_counter() - t0
        return run

    def change(self, query: str, *, reconnect: bool = True) -> Run:
        """A filter change: rerun with `query`. If the connection is gone (its replica was
        stopped), reconnect as a browser does and ask again; the time includes that."""
        t0 = time.perf_counter()
        try:
            run = self._run(query)
        except (OSError, websocket.WebSocketException):
            if not reconnect:
                raise
            self.close()
            self.reconnects += 1
            self._reconnect()
            run = self._run(query)
        run.seconds = time.perf_counter() - t0
        return run

    def _reconnect(self) -> None:
        """What the browser does when its websocket drops: try again for a while."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.fetch_page()
                self.connect()
                return
            except (OSError, websocket.WebSocketException, ProtocolError):
                self.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def upload(self, uploader: str, data: bytes, name: str = "table.csv") -> Run:
        """Upload `data` with the page's file uploader (its element id, `Run.uploaders`) and
        run the page with it, as the browser does."""
        status, file_id = self.put_file(data, name)
        if status != 204:
            raise ProtocolError(f"upload answered {status}")
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        widget = msg.rerun_script.widget_states.widgets.add()
        widget.id = uploader
        info = widget.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = file_id, name, len(data)
        return self._run(self.query, msg)

    def put_file(self, data: bytes, name: str = "table.csv") -> tuple[int, str]:
        """Upload `data` into this session's files, as the browser's uploader does (a PUT to
        the session's upload address, with the XSRF cookie and header); returns the status
        and the file's id. The page's uploader is not told (see `upload`)."""
        import http.client

        if not self.session_id:
            raise ProtocolError("not connected")
        if "_streamlit_xsrf" not in self.cookies:
            self.get("/_stcore/health")  # sets the XSRF cookie
            self._keep_cookies(self._last_cookies)
        token = self.cookies.get("_streamlit_xsrf", "")
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
                f"\r\nContent-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        try:
            file_id = str(uuid.uuid4())
            conn.request(
                "PUT",
                f"/_stcore/upload_file/{self.session_id}/{file_id}",
                body=body,
                headers={
                    "Cookie": self._cookie_header(),
                    "X-Xsrftoken": token,
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            response = conn.getresponse()
            response.read()
            return response.status, file_id
        finally:
            conn.close()

    def download_url(self, link: str) -> str:
        """The address of a download: a link sent with the page as it is, or, for a button
        whose file is written on click, the one the session makes when asked (as the browser
        asks: a backend operation on the websocket)."""
        if not link.startswith(DEFERRED):
            return link
        if self.ws is None or not self.session_id:
            raise ProtocolError("not connected")
        msg = BackMsg()
        op = msg.backend_operation_request
        op.request_id = uuid.uuid4().hex
        op.session_id = self.session_id
        op.deferred_file.file_id = link.removeprefix(DEFERRED)
        self.ws.send_binary(msg.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            opcode, data = self.ws.recv_data()
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            answer = fwd.backend_operation_response
            if fwd.WhichOneof("type") == "backend_operation_response" and (
                answer.request_id == op.request_id
            ):
                if answer.error_msg:
                    raise ProtocolError(f"download refused: {answer.error_msg}")
                return answer.deferred_file.url
        raise ProtocolError(f"no download within {self.timeout} s")

    def _run(self, query: str, msg: BackMsg | None = None) -> Run:
        if self.ws is None:
            raise ProtocolError("not connected")
        self.query = query
        if msg is None:
            msg = BackMsg()
            msg.rerun_script.query_string = query
        t0 = time.perf_counter()
        self.ws.send_binary(msg.SerializeToString())
        n = size = elements = charts = 0
        exceptions: list[str] = []
        markdown: list[str] = []
        downloads: list[str] = []
        uploaders: list[str] = []
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise ProtocolError(f"no script_finished within {self.timeout} s")
            opcode, data = self.ws.recv_data()
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise websocket.WebSocketConnectionClosedException("closed by the server")
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            n += 1
            size += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                # An element the server knows this session has seen: sent as its hash, as the
                # browser's message cache expects.
                if fwd.ref_hash not in self.seen:
                    raise ProtocolError(f"reference to an unknown message {fwd.ref_hash}")
                fwd = self.seen[fwd.ref_hash]
                kind = fwd.WhichOneof("type")
            elif fwd.hash:
                self.seen[fwd.hash] = fwd
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                elements += 1
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif which == "plotly_chart":
                    charts += 1
                elif which == "markdown":
                    markdown.append(element.markdown.body)
                elif which == "file_uploader":
                    uploaders.append(element.file_uploader.id)
                elif which == "download_button" and element.download_button.url:
                    downloads.append(element.download_button.url)
                elif which == "download_button" and element.download_button.deferred_file_id:
                    downloads.append(DEFERRED + element.download_button.deferred_file_id)
            elif kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                run = Run(
                    time.perf_counter() - t0, n, size, elements, charts, exceptions, status,
                    markdown, downloads, uploaders,
                )  # fmt: skip
                if status != "FINISHED_SUCCESSFULLY":
                    # A newer rerun request can preempt this one; we sent only one.
                    raise ProtocolError(f"script finished with {status}")
                if exceptions:
                    raise ProtocolError("exception element: " + "; ".join(exceptions))
                return run
