"""What a receiver's notification tells each worker (trackers.runtime.claims): only the workers whose chats have
new updates wake up, every worker when some update has no chat or when the payload names nobody."""

from __future__ import annotations

from trackers.runtime.claims import CHATLESS, wake_payload, woken


def test_a_notification_names_the_slots_of_its_chats_once_each_and_in_order():
    assert wake_payload([10, 13, -15, 11], 3) == "0 1 2"  # -15 % 3 == 0, as the workers' SQL computes it
    assert wake_payload([4, 7, 4], 3) == "1"
    assert wake_payload([9_223_372_036_854_775_807], 1) == "0"
    assert wake_payload([None, 5], 2) == f"{CHATLESS} 1"


def test_a_worker_wakes_when_named_when_updates_have_no_chat_or_when_nobody_is_named():
    assert woken("0 2", 2) == (True, False)
    assert woken("0 2", 1) == (False, False)
    assert woken("0 12", 1) == (False, False)  # slot 1 is not slot 12
    assert woken(f"{CHATLESS} 0", 1) == (True, True)
    assert woken("", 1) == (True, False)
