"""Live sessions: join codes, participants, the board of vraagstukken, votes and steering."""
