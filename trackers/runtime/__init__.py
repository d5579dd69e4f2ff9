"""Plumbing with no domain words: the database and its migrations, the clock, the update log, sweep state,
leadership between instances, the audit log.
"""
