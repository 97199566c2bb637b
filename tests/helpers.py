"""Small helpers for tests that read what a Socket.IO test client received."""


def received(sock, name: str) -> list[dict]:
    """Payloads of the events of one name a test socket got (and clears its inbox)."""
    return [e["args"][0] for e in sock.get_received() if e["name"] == name]
