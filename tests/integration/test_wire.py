"""What reaches a page over the wire, against a real gunicorn + gevent server (brainstorm.wire):
a page that offers permessage-deflate, as every browser does, gets plain frames and every idea
in order; a page that stops reading holds up nobody and later still gets everything intact."""

import base64
import json
import os
import socket
import struct
import threading
import time
import uuid
import zlib

import pytest

from tests.live_client import open_session
from tests.servers import AppServer

SECRET = "wire-secret"
PAGES = ["Snel", "Traag", "Indiener"]


class RawPage:
    """A page speaking Socket.IO over a plain socket, so the test sees the frames themselves."""

    def __init__(self, url: str, token: str, *, receive_buffer: int | None = None):
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.socket()
        if receive_buffer:  # set before connecting: it bounds the window the server sees
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.connect((host, int(port)))
        self.sock.settimeout(15)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                # What Chromium offers.
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
            ).encode()
        )
        self.buffer = b""
        self.received = 0  # bytes
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.response = head.decode().lower()
        self.compressed_frames = 0
        self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self.log: list[tuple[str, object]] = []  # ("ack", id) / ("idea", text), as they came
        self.ideas: list[tuple[int, str]] = []  # (seq, text) in the order they came
        assert self.receive().startswith("0"), "no engine.io open packet"
        self.send_text("40" + json.dumps({"token": token}))
        while not self.receive().startswith("40"):
            pass

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk
        self.received += len(chunk)

    def _take(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken

    def send_text(self, text: str) -> None:
        """One masked text frame, as a client must send."""
        payload, mask = text.encode(), os.urandom(4)
        size = len(payload)
        head = struct.pack("!BB", 0x81, 0x80 | size) if size < 126 else None
        head = head or struct.pack("!BBH", 0x81, 0x80 | 126, size)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def receive(self) -> str:
        """The next engine.io text message; answers engine.io pings on the way."""
        while True:
            first, second = self._take(2)
            assert second & 0x80 == 0, "a server frame must not be masked"
            if first & 0x40:
                self.compressed_frames += 1
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._take(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._take(8))
            payload = self._take(size)
            assert first & 0x80, "a message in pieces"
            if first & 0x40:  # compressed, had the server agreed to deflate: read it anyway
                payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
            if first & 0x0F != 0x1:
                continue  # control frames
            text = payload.decode()
            if text == "2":
                self.send_text("3")
                continue
            self._note(text)
            return text

    def _note(self, text: str) -> None:
        if text.startswith("43"):  # an ack: 43<id>[...]
            number, answer = text[2:].split("[", 1)
            assert json.loads("[" + answer)[0]["ok"], f"refused: {answer}"
            self.log.append(("ack", int(number)))
            return
        if not text.startswith("42"):
            return
        name, *data = json.loads(text[2:])
        events = [(name, data[0] if data else None)]
        if name == "batch":
            events = [(event["name"], event["data"]) for event in data[0]["events"]]
        for event, payload in events:
            if event == "idea_added":
                self.ideas.append((payload["seq"], payload["idea"]["text"]))
                self.log.append(("idea", payload["idea"]["text"]))

    def read_until(self, done, limit: float = 20) -> None:
        deadline = time.monotonic() + limit
        while not done():
            assert time.monotonic() < deadline, "the page did not get everything in time"
            self.receive()

    def waiting_bytes(self) -> int:
        """Bytes the kernel holds for this page, unread."""
        import fcntl
        import termios

        size = struct.pack("i", 0)
        return struct.unpack("i", fcntl.ioctl(self.sock, termios.FIONREAD, size))[0]


@pytest.fixture
def room(tmp_path):
    url = f"sqlite:///{tmp_path / 'wire.db'}"
    _app, tokens = open_session(url, SECRET, PAGES)
    server = AppServer(tmp_path, url, SECRET_KEY=SECRET)
    server.start()
    try:
        yield server.url, tokens
    finally:
        server.stop()


def texts(count: int, size: int) -> list[str]:
    """Distinct ideas of about `size` characters, as the service stores them."""
    return [f"{n:03d} {uuid.uuid4().hex}" + " werkdruk" * (size // 9) for n in range(count)]


def submit_all(page: RawPage, ideas: list[str]) -> None:
    """Send each idea and wait for its ack before the next, as a phone does."""
    for number, text in enumerate(ideas):
        payload = {"text": text, "client_id": str(uuid.uuid4())}
        page.send_text(f"42{number}" + json.dumps(["submit_idea", payload]))
        page.read_until(lambda n=number: ("ack", n) in page.log)


def test_a_page_offering_deflate_gets_plain_frames_and_every_idea_after_its_ack(room):
    url, tokens = room
    page = RawPage(url, tokens["Indiener"])
    # Not negotiated: one frame can then serve every page of the room.
    assert "sec-websocket-extensions" not in page.response
    assert "101 switching protocols" in page.response
    ideas = texts(30, 60)
    submit_all(page, ideas)
    page.read_until(lambda: len(page.ideas) == len(ideas))
    assert [text for _seq, text in page.ideas] == ideas
    assert [seq for seq, _text in page.ideas] == sorted(seq for seq, _text in page.ideas)
    assert page.compressed_frames == 0
    # Its own acks and the room's broadcasts share one stream: each ack before its idea.
    for number, text in enumerate(ideas):
        assert page.log.index(("ack", number)) < page.log.index(("idea", text))


def test_a_page_that_stops_reading_holds_up_nobody_and_later_gets_everything(room):
    url, tokens = room
    slow = RawPage(url, tokens["Traag"], receive_buffer=4096)
    fast = RawPage(url, tokens["Snel"])
    submitter = RawPage(url, tokens["Indiener"])
    ideas = texts(100, 440)  # about 50 kB: more than the slow page's buffers take

    def listen():
        fast.read_until(lambda: len(fast.ideas) == len(ideas), limit=30)

    listener = threading.Thread(target=listen)
    listener.start()
    submit_all(submitter, ideas)
    listener.join(timeout=40)
    # The fast page got every idea while the slow one read nothing.
    assert [text for _seq, text in fast.ideas] == ideas
    held = slow.waiting_bytes()
    slow.read_until(lambda: len(slow.ideas) == len(ideas))
    assert held < slow.received / 4, "the server never had to keep anything for the slow page"
    assert [text for _seq, text in slow.ideas] == ideas
    assert [seq for seq, _ in slow.ideas] == [seq for seq, _ in fast.ideas]
