"""Polls before the session (public) and during it (live): questions, answers, results."""
