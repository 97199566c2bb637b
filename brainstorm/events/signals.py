"""What the events domain tells packages built on it, without importing them."""

from blinker import Namespace

_signals = Namespace()

# sender: the Registration whose personal data was just removed (not yet committed). Whatever
# else holds that person's data removes it in the same transaction (brainstorm/privacy).
registration_forgotten = _signals.signal("registration-forgotten")
