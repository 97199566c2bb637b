"""The frames brainstorm.wire writes itself read back whole in a websocket client (wsproto's),
at every length encoding: short, 16-bit and 64-bit."""

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, Request, TextMessage

from brainstorm.wire import SharedPacket, frame


def connected_client() -> WSConnection:
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="localhost", target="/socket.io/")))
    next(server.events())
    client.receive_data(server.send(AcceptConnection()))
    assert isinstance(next(client.events()), AcceptConnection)
    return client


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_a_text_frame_of_any_length_arrives_as_one_whole_message(size):
    client = connected_client()
    text = ("é" + "x" * size)[:size]  # a two-byte character: the length counts bytes
    client.receive_data(frame(text))
    (message,) = client.events()
    assert isinstance(message, TextMessage)
    assert message.data == text
    assert message.frame_finished and message.message_finished


def test_bytes_go_out_as_a_binary_message():
    client = connected_client()
    client.receive_data(frame(b"\x00\x01binary"))
    (message,) = client.events()
    assert isinstance(message, BytesMessage)
    assert message.data == b"\x00\x01binary"


def test_a_shared_packet_is_an_engine_io_message_with_its_frame():
    pkt = SharedPacket('2["idea_added",{"seq":7}]')
    assert pkt.encode() == '42["idea_added",{"seq":7}]'
    client = connected_client()
    client.receive_data(pkt.frame + pkt.frame)  # two pages' worth, the same bytes
    assert [m.data for m in client.events()] == [pkt.encode()] * 2


def test_a_page_whose_socket_is_full_gets_every_message_whole_and_in_order():
    """Broadcasts to a page that reads nothing never wait for it; what did not fit waits in
    its queue, behind it a direct message, and all of it arrives whole, in order."""
    import gevent
    from engineio import Server
    from engineio import packet as eio_packet
    from engineio.socket import Socket
    from gevent import socket as gsocket

    from brainstorm.wire import install

    eio = Server(async_mode="gevent")
    assert install(eio)
    server_end, page_end = gsocket.socketpair()
    server_end.setsockopt(gsocket.SOL_SOCKET, gsocket.SO_SNDBUF, 4096)
    socket = Socket(eio, "sid")
    socket.connected = socket.upgraded = True
    link = eio._async["websocket"](socket._websocket_handler, eio)
    link.ws = type("WS", (), {"sock": server_end, "connected": True})()

    client = connected_client()
    sent, got = [], []

    def read(size: int) -> None:
        client.receive_data(page_end.recv(size))
        got.extend(event.data for event in client.events())

    with gevent.Timeout(5):  # a push that waited for the page would hang here
        for number in range(200):
            pkt = SharedPacket(f'2["idea_added",{{"n":{number},"text":"{"x" * 900}"}}]')
            link.push(socket, pkt)
            sent.append(pkt.encode())
            if number == 100:  # an ack to this page between two broadcasts
                socket.send(eio_packet.Packet(eio_packet.MESSAGE, '3100[{"ok":true}]'))
                sent.append('43100[{"ok":true}]')
            if number == 150:  # the page reads a little: room again, with messages queued
                read(8192)
    assert socket.queue.qsize() > 0, "everything fitted: the page's buffer was never full"

    def writer():  # what engine.io's writer greenlet does with the queue
        while socket.queue.qsize():
            for pkt in socket.poll():
                link.send(pkt.encode())

    def reader():
        while len(got) < len(sent):
            read(65536)

    with gevent.Timeout(10):
        gevent.joinall([gevent.spawn(writer), gevent.spawn(reader)], raise_error=True)
    assert got == sent
