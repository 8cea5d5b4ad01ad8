"""Argilla compatibility: v1's training formats and templates, Argilla 2's Hub layouts and server hand-over."""
