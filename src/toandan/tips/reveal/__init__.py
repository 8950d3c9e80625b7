"""Reveal: asking for, approving or refusing to open a tipster's identity, and its pages."""
