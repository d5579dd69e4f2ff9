"""The shell's `:clock`: the bot's "now" moves forward, never back."""

from datetime import timedelta

import pytest

from trackers.runtime import clock


def test_moving_ahead_moves_utcnow_forward_and_never_back(monkeypatch):
    monkeypatch.setattr(clock, "_ahead", timedelta(0))
    before = clock.utcnow()
    clock.move_ahead(timedelta(days=30))
    assert timedelta(days=30) <= clock.utcnow() - before < timedelta(days=30, minutes=1)
    with pytest.raises(ValueError):
        clock.move_ahead(timedelta(seconds=-1))
