"""Notifications: the outbox every message goes through, and what fills it (deadline alerts, digests, news of
coverage).
"""
