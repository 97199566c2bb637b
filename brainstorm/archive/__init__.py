"""The session archive: a whole session as one JSON document, and back (above the domains)."""
