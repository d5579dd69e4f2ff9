"""Commitments: adding and editing them, the catalogue people browse, targets and progress, calendars and exports,
the demo set.
"""
