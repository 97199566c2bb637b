"""The session event log and the one emit path; presence and rate limits (no domain)."""
