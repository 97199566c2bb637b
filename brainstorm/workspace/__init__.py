"""The clustering workspace: scopes, engine runs, corrections, undo and cluster votes."""
