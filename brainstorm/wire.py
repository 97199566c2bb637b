"""One websocket frame per broadcast, written straight to every page that is ready for it.

python-socketio encodes a broadcast once, but then hands it to every recipient's queue; each
socket's writer greenlet wakes up, frames the text again (wsproto) and writes it. Here a
broadcast is framed once (a server frame is unmasked, so the same bytes suit every page) and
written to each page's socket at once, without blocking, when nothing of that page is queued
or being written; otherwise it goes through the page's queue as before, so pings, acks and
direct messages stay in order with broadcasts, and a slow page holds up nobody but itself.
1 000 pages, 5 ideas a second: the server's CPU went from 37 % of a core to 13 % (Node: 10 %).

Sharing frames needs websockets without permessage-deflate, which every browser offers and
simple-websocket accepted: compression keeps a zlib context per connection (about 90 kB
each), so every page needed its own frame and its own compression (11 µs more per page and
message than plain framing). Node's socket.io leaves it off by default; our messages are
small JSON.

Used only under gevent (production: gunicorn -k gevent): one thread, so nothing runs between
"this socket is idle" and the write.
"""

from __future__ import annotations

import struct

import socketio
from engineio import packet as eio_packet
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet as sio_packet

# The engine.io socket of a websocket connection points to its link under this name.
LINK = "brainstorm_wire"
_EXTENSIONS = "HTTP_SEC_WEBSOCKET_EXTENSIONS"


def frame(data: str | bytes) -> bytes:
    """One unmasked, final websocket frame (RFC 6455 §5.2) carrying a whole message."""
    if isinstance(data, str):
        payload, opcode = data.encode(), 0x81  # FIN + text
    else:
        payload, opcode = bytes(data), 0x82  # FIN + binary
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", opcode, 126, size)
    else:
        head = struct.pack("!BBQ", opcode, 127, size)
    return head + payload


class _Framed(str):
    """An encoded engine.io packet that knows its websocket frame."""

    frame: bytes


class SharedPacket(eio_packet.Packet):
    """An engine.io MESSAGE encoded and framed once, for every recipient of a broadcast."""

    def __init__(self, data: str):
        super().__init__(eio_packet.MESSAGE, data)
        text = _Framed(super().encode())
        text.frame = frame(text)
        self.encode_cache = text
        self.frame = text.frame


class _Rest(eio_packet.Packet):
    """What a direct write left unsent: the writer sends it before anything queued later."""

    def __init__(self, rest: bytes):
        super().__init__(eio_packet.NOOP)
        self.rest = rest

    def encode(self, b64=False):
        return self


def _link_class(base: type) -> type:
    """The engine.io driver's websocket class, plus frames of our own and direct writes."""

    class Link(base):
        busy = False  # a write to this socket is under way (it may be waiting for room)

        def __call__(self, environ, start_response):
            # Refuse permessage-deflate: whatever the page offers, it gets plain frames.
            environ = {key: value for key, value in environ.items() if key != _EXTENSIONS}
            # The handler is the engine.io socket's bound _websocket_handler.
            socket = getattr(self.app, "__self__", None)
            if socket is not None:
                setattr(socket, LINK, self)
            try:
                return super().__call__(environ, start_response)
            finally:
                if socket is not None and getattr(socket, LINK, None) is self:
                    delattr(socket, LINK)

        def send(self, message):
            """What the socket's writer sends: its frame, written whole."""
            if isinstance(message, _Rest):
                data = message.rest
            else:
                data = getattr(message, "frame", None) or frame(message)
            ws = self.ws
            if not ws.connected:
                raise OSError("websocket closed")
            # sendall: a full socket buffer makes send() write part of a frame, and the
            # library's send() dropped the rest, corrupting the stream of a slow page.
            self.busy = True
            try:
                ws.sock.sendall(data)
            finally:
                self.busy = False

        def push(self, socket, pkt: SharedPacket) -> None:
            """Write a broadcast now when this socket is idle, else queue it behind the rest."""
            ws = getattr(self, "ws", None)
            if (
                ws is None
                or not ws.connected
                or self.busy
                or not socket.upgraded
                or socket.upgrading
                or socket.closing
                or socket.queue.qsize()
            ):
                socket.send(pkt)
                return
            if not socket.check_ping_timeout():
                return
            data = pkt.frame
            try:
                # gevent's send with timeout 0: whatever fits now, never waiting for room.
                sent = ws.sock.send(data, 0, timeout=0.0)
            except OSError:
                # No room (EAGAIN), or worse: the writer takes it and, should the connection
                # be broken, fails and closes it, as without direct writes.
                sent = 0
            if sent < len(data):
                socket.queue.put(_Rest(data[sent:]))

    Link.__name__ = Link.__qualname__ = f"Wire{base.__name__}"
    return Link


def install(eio) -> bool:
    """Make an engine.io server (gevent + simple-websocket) use shared frames and direct
    writes; False when its setup is another one (then nothing changes)."""
    # engine.io picks the websocket class from its driver's table, with no argument to pass
    # our own: the table is replaced on this server only. tests/integration/test_wire.py
    # holds it to what a page notices (no deflate, every message in order).
    table = getattr(eio, "_async", None) or {}
    base = table.get("websocket")
    if eio.async_mode != "gevent" or not isinstance(base, type):
        return False
    if hasattr(base, "push"):
        return True  # installed already
    if not issubclass(base, SimpleWebSocketWSGI):
        return False  # gevent-websocket: another websocket server altogether
    eio._async = {**table, "websocket": _link_class(base)}
    return True


class FanOut(socketio.Manager):
    """python-socketio's client manager, broadcasting one shared frame (see the module)."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kw):
        """As the library's, but a broadcast without callback goes out as one frame."""
        room = to or room
        if callback is not None or namespace not in self.rooms:
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                                callback=callback, **kw)  # fmt: skip
        # As the library: a tuple is several arguments, anything else one.
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(
            sio_packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        if isinstance(encoded, list):  # binary attachments: never ours, the library's way
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kw)
        pkt = SharedPacket(encoded)
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        sockets = self.server.eio.sockets
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            socket = sockets.get(eio_sid)
            link = getattr(socket, LINK, None)
            if link is None or socket.closed:
                # Polling, not under gevent, Flask-SocketIO's test client: the library's way.
                self.server._send_eio_packet(eio_sid, pkt)
            else:
                link.push(socket, pkt)
