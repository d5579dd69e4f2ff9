from bot.throttle import Admission, UserThrottle


def test_a_user_gets_a_burst_then_a_steady_rate_and_hears_once_why_the_rest_is_dropped():
    throttle = UserThrottle(burst=3, per_second=1.0)
    admissions = [throttle.check(1, 0.0) for _ in range(5)]
    assert admissions == [Admission.PASS] * 3 + [Admission.DROP_AND_TELL, Admission.DROP]
    # Another user is not affected.
    assert throttle.check(2, 0.0) is Admission.PASS
    # One token a second comes back; after a pass, a new flood is explained again.
    assert throttle.check(1, 0.5) is Admission.DROP
    assert throttle.check(1, 1.0) is Admission.PASS
    assert throttle.check(1, 1.0) is Admission.DROP_AND_TELL
    # Never more than the burst, however long the pause.
    assert [throttle.check(1, 100.0) for _ in range(4)] == [Admission.PASS] * 3 + [Admission.DROP_AND_TELL]


def test_memory_stays_bounded_by_the_users_still_sending():
    throttle = UserThrottle(burst=2, per_second=1.0, max_users=100)
    for user in range(1000):
        throttle.check(user, float(user))  # each user once, a second apart: earlier buckets have refilled
    assert len(throttle._buckets) <= 100
    busy = UserThrottle(burst=2, per_second=0.001, max_users=10)
    for user in range(10):
        busy.check(user, 0.0)
        busy.check(user, 0.0)
    busy.check(99, 0.0)
    # Users whose buckets are still empty are remembered: forgetting them would hand them a fresh burst.
    assert all(busy.check(user, 0.0) is not Admission.PASS for user in range(10))
