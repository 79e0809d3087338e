"""contentkit: one Markdown story in, every publishing format out."""

__version__ = "0.1.0"
