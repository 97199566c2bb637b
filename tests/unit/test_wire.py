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
