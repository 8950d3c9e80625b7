"""Models of initiatives."""
