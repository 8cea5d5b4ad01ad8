"""The domain: schema (fields, questions, metadata, vectors), records, answers and the rules that judge them.

Pure values and rules; nothing here reads or writes a folder or knows ``FeedbackDataset``.
"""
