"""Breakout groups (deelsessies): a domain built on sessions."""
