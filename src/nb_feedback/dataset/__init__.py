"""``FeedbackDataset``: the public face, and the views it hands out."""

from nb_feedback.dataset.dataset import FeedbackDataset

__all__ = ["FeedbackDataset"]
