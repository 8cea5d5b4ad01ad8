"""The widget's kernel side: the anywidget, its team panel and the wire format to the view."""

from nb_feedback.widget.feedback_widget import FeedbackWidget

__all__ = ["FeedbackWidget"]
