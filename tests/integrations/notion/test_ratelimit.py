"""The per-connection rate limiter on a real Redis and in-process, across processes and threads."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import redis

from integrations.notion import ratelimit
from integrations.notion.ratelimit import (
    LocalRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    get_limiter,
    wait_and_acquire,
)

# --- Workers: a loop that takes slots as fast as the limiter allows --------------------------


@dataclass
class WorkerLog:
    """What one worker saw: each grant as the (before, after) wall-clock interval around the
    acquire call that granted it, and every wait it was told with the time it was told."""

    grants: list[tuple[float, float]] = field(default_factory=list)
    waits: list[tuple[float, float]] = field(default_factory=list)


def _grant_loop(limiter: RateLimiter, key: str, seconds: float) -> WorkerLog:
    log = WorkerLog()
    end = time.time() + seconds
    while time.time() < end:
        before = time.time()
        wait = limiter.acquire(key)
        after = time.time()
        if wait == 0:
            log.grants.append((before, after))
        else:
            log.waits.append((after, wait))
            time.sleep(max(min(wait, end - after), 0))
    return log


def _redis_worker(redis_url, prefix, rate, burst, key, seconds, barrier, results) -> None:
    """Runs in a spawned process: its own client, its own limiter, the same Redis keys."""
    client = redis.Redis.from_url(redis_url)
    limiter = RedisRateLimiter(client, rate=rate, burst=burst, prefix=prefix)
    barrier.wait()
    log = _grant_loop(limiter, key, seconds)
    results.put((log.grants, log.waits))
    client.close()


# --- Backends: the same tests against Redis (processes) and in-process (threads) -------------


class RedisBackend:
    name = "redis"

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self.client = redis.Redis.from_url(redis_url)

    def limiter(self, *, rate: float, burst: int) -> RedisRateLimiter:
        return RedisRateLimiter(self.client, rate=rate, burst=burst, prefix=self.prefix)

    def run_workers(
        self,
        limiter: RateLimiter,
        key: str,
        *,
        workers: int,
        seconds: float,
        during: Callable[[], None] = lambda: None,
    ) -> list[WorkerLog]:
        """Run `workers` OS processes (spawned, as Celery's prefork pool is separate
        processes) on one key; call `during` in this process once they all started."""
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(workers + 1)
        results = ctx.Queue()
        args = (self.redis_url, self.prefix, limiter.rate, limiter.burst, key, seconds)
        processes = [
            ctx.Process(target=_redis_worker, args=(*args, barrier, results))
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        try:
            barrier.wait(timeout=60)
            during()
            logs = [WorkerLog(*results.get(timeout=60)) for _ in processes]
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
        assert all(process.exitcode == 0 for process in processes)
        return logs

    def close(self) -> None:
        for stale in self.client.scan_iter(match=f"{self.prefix}*"):
            self.client.delete(stale)
        self.client.close()


class LocalBackend:
    name = "local"

    def limiter(self, *, rate: float, burst: int) -> LocalRateLimiter:
        return LocalRateLimiter(rate=rate, burst=burst)

    def run_workers(
        self,
        limiter: RateLimiter,
        key: str,
        *,
        workers: int,
        seconds: float,
        during: Callable[[], None] = lambda: None,
    ) -> list[WorkerLog]:
        """Run `workers` threads on one key (the local limiter is shared within a process)."""
        barrier = threading.Barrier(workers + 1)
        logs: list[WorkerLog] = [WorkerLog() for _ in range(workers)]

        def work(index: int) -> None:
            barrier.wait()
            logs[index] = _grant_loop(limiter, key, seconds)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        barrier.wait(timeout=60)
        during()
        for thread in threads:
            thread.join(timeout=60)
        return logs

    def close(self) -> None:
        pass


@pytest.fixture
def prefix() -> str:
    return f"test:rl:{uuid.uuid4().hex[:12]}:"


@pytest.fixture(params=[pytest.param("redis", marks=pytest.mark.redis), "local"])
def backend(request, prefix):
    if request.param == "redis":
        chosen = RedisBackend(request.getfixturevalue("redis_url"), prefix)
    else:
        chosen = LocalBackend()
    yield chosen
    chosen.close()


def _most_grants_in_any_window(grants: list[tuple[float, float]], width: float) -> int:
    """The most grants that certainly happened within one window of `width` seconds.

    A grant happened somewhere inside its (before, after) interval; counting only grants whose
    whole interval fits in the window means a slow scheduler can never fake a violation, while
    a limiter that lets too much through still shows it.
    """
    grants = sorted(grants)
    most = 0
    for first, (start, _) in enumerate(grants):
        inside = 0
        for before, after in grants[first:]:
            if before > start + width:
                break
            inside += after <= start + width
        most = max(most, inside)
    return most


# --- Pacing in one caller --------------------------------------------------------------------


def test_burst_is_granted_at_once_then_the_next_request_waits_one_interval(backend):
    limiter = backend.limiter(rate=4.0, burst=3)

    granted = [limiter.acquire("conn-1") for _ in range(3)]
    wait = limiter.acquire("conn-1")

    assert granted == [0.0, 0.0, 0.0]
    # One interval is 1/4 s; a little of it may already have passed.
    assert 0.15 < wait <= 0.251


def test_refused_requests_consume_nothing_so_after_the_wait_exactly_one_is_granted(backend):
    limiter = backend.limiter(rate=10.0, burst=2)
    for _ in range(2):
        limiter.acquire("conn-1")

    refusals = [limiter.acquire("conn-1") for _ in range(20)]
    time.sleep(max(refusals[-1], 0) + 0.02)
    after_wait = [limiter.acquire("conn-1") for _ in range(2)]

    assert all(wait > 0 for wait in refusals)
    assert after_wait[0] == 0.0
    assert 0.05 < after_wait[1] <= 0.101


def test_rejects_a_rate_or_burst_that_cannot_pace_anything(backend):
    with pytest.raises(ValueError, match="rate"):
        backend.limiter(rate=0, burst=1)
    with pytest.raises(ValueError, match="burst"):
        backend.limiter(rate=1.0, burst=0)


# --- Pauses ----------------------------------------------------------------------------------


def test_a_pause_makes_acquire_return_the_time_left_in_the_pause(backend):
    limiter = backend.limiter(rate=100.0, burst=10)

    limiter.pause("conn-1", 2.0)

    assert 1.5 < limiter.acquire("conn-1") <= 2.0
    assert 1.5 < limiter.paused_for("conn-1") <= 2.0


def test_a_pause_consumes_no_slots_so_the_full_burst_is_there_when_it_ends(backend):
    limiter = backend.limiter(rate=1.0, burst=3)

    limiter.pause("conn-1", 0.2)
    while (wait := limiter.acquire("conn-1")) > 0:
        time.sleep(wait)
    rest_of_burst = [limiter.acquire("conn-1") for _ in range(2)]

    assert rest_of_burst == [0.0, 0.0]
    assert limiter.acquire("conn-1") > 0


def test_a_shorter_pause_never_shortens_a_longer_one(backend):
    limiter = backend.limiter(rate=3.0, burst=10)

    limiter.pause("conn-1", 5.0)
    limiter.pause("conn-1", 1.0)

    assert limiter.paused_for("conn-1") > 4.0


def test_a_longer_pause_extends_a_shorter_one(backend):
    limiter = backend.limiter(rate=3.0, burst=10)

    limiter.pause("conn-1", 1.0)
    limiter.pause("conn-1", 5.0)

    assert limiter.paused_for("conn-1") > 4.0


def test_a_key_that_was_never_paused_reports_no_pause(backend):
    limiter = backend.limiter(rate=3.0, burst=10)

    limiter.pause("conn-1", 0)

    assert limiter.paused_for("conn-1") == 0.0
    assert limiter.acquire("conn-1") == 0.0


# --- Keys ------------------------------------------------------------------------------------


def test_different_connections_have_independent_budgets_and_pauses(backend):
    limiter = backend.limiter(rate=1.0, burst=2)
    for _ in range(2):
        limiter.acquire("conn-a")
    limiter.pause("conn-c", 5.0)

    assert limiter.acquire("conn-a") > 0
    assert [limiter.acquire("conn-b") for _ in range(2)] == [0.0, 0.0]
    assert limiter.paused_for("conn-a") == 0.0
    assert limiter.paused_for("conn-b") == 0.0


def test_reset_forgets_the_spent_burst_and_the_pause(backend):
    limiter = backend.limiter(rate=1.0, burst=2)
    for _ in range(2):
        limiter.acquire("conn-1")
    limiter.pause("conn-1", 5.0)

    limiter.reset("conn-1")

    assert limiter.paused_for("conn-1") == 0.0
    assert [limiter.acquire("conn-1") for _ in range(2)] == [0.0, 0.0]


@pytest.mark.redis
def test_redis_keys_expire_once_the_connection_is_idle(redis_client, redis_url, prefix):
    limiter = RedisBackend(redis_url, prefix).limiter(rate=50.0, burst=5)
    for _ in range(5):
        limiter.acquire("conn-1")
    limiter.pause("conn-1", 0.2)

    keys = sorted(redis_client.scan_iter(match=f"{prefix}*"))
    ttls = [redis_client.pttl(name) for name in keys]
    time.sleep(0.4)
    left = list(redis_client.scan_iter(match=f"{prefix}*"))

    assert len(keys) == 2
    # Five grants at 50/s fill the budget for 100 ms; the pause lasts 200 ms.
    assert all(0 < ttl <= 200 for ttl in ttls)
    assert left == []


@pytest.mark.redis
def test_redis_limiter_shares_state_between_clients(redis_url, prefix):
    first = RedisBackend(redis_url, prefix).limiter(rate=1.0, burst=2)
    second = RedisBackend(redis_url, prefix).limiter(rate=1.0, burst=2)

    first.acquire("conn-1")
    second.acquire("conn-1")
    first.pause("conn-2", 5.0)

    assert first.acquire("conn-1") > 0
    assert second.acquire("conn-1") > 0
    assert second.paused_for("conn-2") > 4.0


@pytest.mark.redis
def test_repr_shows_the_configuration_only(redis_client):
    limiter = RedisRateLimiter(redis_client, rate=3.0, burst=10)

    assert repr(limiter) == "RedisRateLimiter(rate=3, burst=10)"


# --- Many workers on one connection ----------------------------------------------------------


def test_workers_sharing_a_connection_never_exceed_the_limit_in_any_window(backend):
    rate, burst, seconds = 20.0, 4, 1.5
    limiter = backend.limiter(rate=rate, burst=burst)

    logs = backend.run_workers(limiter, "conn-1", workers=3, seconds=seconds)
    grants = sorted(grant for log in logs for grant in log.grants)

    for width in (0.02, 0.1, 0.25, 0.5, 1.0, seconds):
        assert _most_grants_in_any_window(grants, width) <= burst + rate * width + 1, width
    # Pacing went on past the burst, and no worker was starved out entirely.
    assert len(grants) > burst + 1
    assert all(log.grants for log in logs)


def test_a_pause_set_by_one_process_stops_every_worker_until_it_ends(backend):
    rate, burst, pause = 20.0, 4, 2.0
    limiter = backend.limiter(rate=rate, burst=burst)
    paused: dict[str, float] = {}

    def pause_after_a_moment() -> None:
        time.sleep(0.5)
        paused["before"] = time.time()
        limiter.pause("conn-1", pause)
        paused["after"] = time.time()

    logs = backend.run_workers(
        limiter, "conn-1", workers=3, seconds=3.3, during=pause_after_a_moment
    )

    surely_paused_from = paused["after"]
    surely_paused_until = paused["before"] + pause
    granted_during_pause = [
        (before, after)
        for log in logs
        for before, after in log.grants
        if before >= surely_paused_from and after <= surely_paused_until
    ]
    assert granted_during_pause == []
    for log in logs:
        # Each worker was told to wait out most of the pause, then went on after it.
        assert any(wait > 1.0 for _, wait in log.waits)
        assert any(before >= surely_paused_until for before, _ in log.grants)


# --- Waiting helper --------------------------------------------------------------------------


class ScriptedLimiter(RateLimiter):
    """Answers acquire with the given waits in turn."""

    def __init__(self, waits: list[float]) -> None:
        super().__init__(rate=1.0, burst=1)
        self.waits = list(waits)
        self.calls = 0

    def acquire(self, key: str) -> float:
        self.calls += 1
        return self.waits.pop(0)

    def reserve(self, key: str, *, max_ahead: float, count: int = 1) -> tuple[float, bool]:
        raise NotImplementedError

    def pause(self, key: str, seconds: float) -> None:
        raise NotImplementedError

    def paused_for(self, key: str) -> float:
        return 0.0

    def reset(self, key: str) -> None:
        raise NotImplementedError


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(ratelimit.time, "sleep", sleeps.append)
    return sleeps


def test_wait_and_acquire_sleeps_through_short_waits_until_granted(slept):
    limiter = ScriptedLimiter([0.2, 0.3, 0.0])

    assert wait_and_acquire(limiter, "conn-1", max_wait=1.0) == 0.0
    assert slept == [0.2, 0.3]


def test_wait_and_acquire_returns_a_long_wait_without_sleeping(slept):
    limiter = ScriptedLimiter([5.0])

    assert wait_and_acquire(limiter, "conn-1", max_wait=1.0) == 5.0
    assert slept == []


def test_wait_and_acquire_stops_sleeping_once_the_total_would_pass_max_wait(slept):
    limiter = ScriptedLimiter([0.6, 0.6, 0.0])

    assert wait_and_acquire(limiter, "conn-1", max_wait=1.0) == 0.6
    assert slept == [0.6]
    assert limiter.calls == 2


def test_wait_and_acquire_takes_the_slot_after_a_real_short_wait(backend):
    limiter = backend.limiter(rate=20.0, burst=1)
    limiter.acquire("conn-1")

    assert wait_and_acquire(limiter, "conn-1", max_wait=1.0) == 0.0
    assert limiter.acquire("conn-1") > 0


def test_wait_and_acquire_hands_back_a_long_pause_for_the_task_to_reschedule(backend):
    limiter = backend.limiter(rate=20.0, burst=1)
    limiter.pause("conn-1", 5.0)

    remaining = wait_and_acquire(limiter, "conn-1", max_wait=0.5)

    assert 4.0 < remaining <= 5.0
    assert limiter.paused_for("conn-1") > 4.0


# --- Configuration ---------------------------------------------------------------------------


def test_without_redis_url_every_caller_shares_one_in_process_limiter(settings):
    settings.REDIS_URL = ""
    settings.NOTION_RATE_LIMIT_PER_SECOND = 5.0
    settings.NOTION_RATE_LIMIT_BURST = 7

    limiter = get_limiter()

    assert isinstance(limiter, LocalRateLimiter)
    assert (limiter.rate, limiter.burst) == (5.0, 7)
    assert get_limiter() is limiter


@pytest.mark.redis
def test_with_redis_url_the_limiter_uses_that_redis(settings, redis_url, redis_client):
    settings.REDIS_URL = redis_url
    settings.NOTION_RATE_LIMIT_PER_SECOND = 2.0
    settings.NOTION_RATE_LIMIT_BURST = 1
    key = f"test-{uuid.uuid4().hex}"

    limiter = get_limiter()
    try:
        limiter.acquire(key)
        other_client = RedisRateLimiter(redis_client, rate=2.0, burst=1)

        assert isinstance(limiter, RedisRateLimiter)
        assert (limiter.rate, limiter.burst) == (2.0, 1)
        assert other_client.acquire(key) > 0
    finally:
        limiter.reset(key)


def test_changed_settings_give_a_fresh_limiter(settings):
    settings.REDIS_URL = ""
    settings.NOTION_RATE_LIMIT_PER_SECOND = 3.0
    first = get_limiter()

    settings.NOTION_RATE_LIMIT_PER_SECOND = 6.0
    second = get_limiter()

    assert second is not first
    assert second.rate == 6.0


# --- Reservations (booking a future slot so a queued call waits in the broker) ---------------


@pytest.fixture(params=["redis", "local"])
def any_limiter(request):
    from integrations.notion.ratelimit import LocalRateLimiter, RedisRateLimiter

    if request.param == "local":
        return LocalRateLimiter(rate=10.0, burst=2)
    client = request.getfixturevalue("redis_client")
    prefix = f"test:rl:reserve:{uuid.uuid4().hex}:"
    return RedisRateLimiter(client, rate=10.0, burst=2, prefix=prefix)


def test_reserve_books_consecutive_future_slots_one_interval_apart(any_limiter):
    waits = [any_limiter.reserve("c", max_ahead=5.0) for _ in range(6)]
    assert [reserved for _, reserved in waits] == [True] * 6
    assert waits[0][0] == 0 and waits[1][0] == 0  # the burst
    spacing = [round(b[0] - a[0], 2) for a, b in itertools.pairwise(waits[1:])]
    assert all(abs(s - 0.1) <= 0.011 for s in spacing), spacing
    # Booked slots are taken: acquire must wait past the last booking.
    assert any_limiter.acquire("c") >= waits[-1][0]


def test_reserve_books_nothing_beyond_max_ahead_or_during_a_pause(any_limiter):
    for _ in range(5):
        any_limiter.reserve("d", max_ahead=10.0)
    wait, reserved = any_limiter.reserve("d", max_ahead=0.05)
    assert not reserved and wait > 0.05
    any_limiter.pause("e", 2.0)
    wait, reserved = any_limiter.reserve("e", max_ahead=10.0)
    assert not reserved and 1.5 < wait <= 2.0
