"""The store: the in-memory tables, the one change path's change types, and the folder on disk (one writer per file)."""
