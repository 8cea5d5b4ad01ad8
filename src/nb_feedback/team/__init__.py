"""Team features: queues, progress, agreement, unification and metrics, read from a ``DatasetView``."""
