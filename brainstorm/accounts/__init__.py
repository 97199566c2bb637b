"""Accounts and the door: users, event teams, @allow, signed identities, password reset."""
