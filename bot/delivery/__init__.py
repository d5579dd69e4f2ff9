"""Delivery: the dispatcher that sends what the outbox holds within Telegram's limits, and the sweeps that
fill the outbox (alert rules, digests) and keep it healthy (stale rows, expired leases)."""
