"""What the session tells other domains after a commit, without importing them.

The workspace listens: it slots new ideas into the nearest cluster, and turns the groups'
clusters into plenary ones when the groups return.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the BrainstormSession, after ideas may have appeared on a board (new, approved,
# unhidden, revealed by a phase change).
board_changed = _signals.signal("board-changed")
# sender: the BrainstormSession, after its breakout groups came back to the plenary.
groups_returned = _signals.signal("groups-returned")
# sender: the BrainstormSession, after vote counts became visible to the room or hidden again
# by a setting (the workspace sends the totals of ideas and clusters together).
votes_visibility_changed = _signals.signal("votes-visibility-changed")
# sender: the BrainstormSession, with participant=, before the arrival is committed. Receivers
# return the log events to commit with it (breakouts: a late joiner's group).
participant_joined = _signals.signal("participant-joined")
