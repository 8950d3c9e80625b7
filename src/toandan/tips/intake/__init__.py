"""Intake: what the citizen and the intake officer do.

The citizen's pages and public API (form, receipt, follow-up, replies), the intake register's
numbers, receipts, and the printed intake record. The writes themselves are `tips.services`.
"""
