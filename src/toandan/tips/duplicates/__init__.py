"""Duplicates: fingerprints of what a tip says, similar open tips, and merged tips' reads."""
