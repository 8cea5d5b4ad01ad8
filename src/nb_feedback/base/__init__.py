"""The bottom layer: errors, Arrow text and the one JSON codec, and small utilities every layer may use."""
