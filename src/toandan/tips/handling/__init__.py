"""Handling: the legal timeline and the police's work on a tip.

The state machine and deadlines (`timeline`, over the pure `tips.deadlines`), routing, the
unit's inbox, the handling pages and staff API, the deadline calculator, the notifications and
reminders they send.
"""
