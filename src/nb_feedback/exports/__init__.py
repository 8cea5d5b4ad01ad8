"""Exports and training data: SFT, preference and KTO sets, the report, model suggestions, the ``datasets`` bridge."""
