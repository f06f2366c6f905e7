"""When a scheduled automation runs next: cron expressions in a time zone (croniter), or intervals.

Cron is evaluated in the automation's own time zone, so "every Monday 09:00 Europe/Berlin" stays
at 09:00 local time across daylight-saving changes (07:00 UTC in summer, 08:00 UTC in winter).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

MIN_INTERVAL_SECONDS = 60
MAX_MISSED_COUNTED = 10_000


class ScheduleError(ValueError):
    """A cron expression, interval or time zone that can't be used, in words for the form."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"“{name}” is not a time zone; use an IANA name such as Europe/Berlin or UTC."
        ) from None


def timezone_names() -> list[str]:
    return sorted(available_timezones())


def cron_check(expression: str) -> str:
    """The expression, stripped, if croniter accepts it as a five-field cron."""
    expression = " ".join((expression or "").split())
    if len(expression.split(" ")) != 5:
        raise ScheduleError(
            "A cron expression has five fields: minute hour day-of-month month day-of-week, "
            "e.g. “0 9 * * 1” for every Monday at 09:00."
        )
    if not croniter.is_valid(expression):
        raise ScheduleError(f"“{expression}” is not a valid cron expression.")
    return expression


def interval_check(seconds: int | None) -> int:
    if not seconds or seconds < MIN_INTERVAL_SECONDS:
        raise ScheduleError(f"An interval must be at least {MIN_INTERVAL_SECONDS} seconds.")
    return int(seconds)


def cron_runs(expression: str, tz: str, after: datetime) -> Iterator[datetime]:
    """Run times strictly after `after`, in UTC, computed in the time zone `tz`."""
    local = after.astimezone(zone(tz))
    try:
        runs = croniter(expression, local)
        while True:
            yield runs.get_next(datetime).astimezone(UTC)
    except (CroniterBadCronError, CroniterBadDateError) as exc:
        raise ScheduleError(str(exc)) from None


def interval_runs(seconds: int, anchor: datetime, after: datetime) -> Iterator[datetime]:
    """Run times anchor + k·interval strictly after `after`."""
    step = timedelta(seconds=seconds)
    current = anchor if after < anchor else anchor + step * ((after - anchor) // step + 1)
    while True:
        yield current.astimezone(UTC)
        current += step


def next_runs(automation, after: datetime, count: int = 1) -> list[datetime]:
    """The automation's next `count` run times after `after` (UTC)."""
    if automation.trigger == "cron":
        runs = cron_runs(automation.cron, automation.timezone, after)
    elif automation.trigger == "interval":
        # From the next planned run when there is one, so the rhythm stays put; else from now.
        anchor = automation.next_run_at or after
        runs = interval_runs(automation.interval_seconds, anchor, after)
    else:
        return []
    return [next(runs) for _ in range(count)]


def due_slots(automation, now: datetime) -> tuple[datetime | None, int, datetime | None]:
    """For an automation whose next_run_at has come: (the latest due slot, how many earlier
    slots were missed, the next slot after now). A scheduler that was down runs the latest
    slot once on return and counts the rest as missed, rather than firing them all at once."""
    first = automation.next_run_at
    if first is None or first > now:
        return None, 0, first
    latest, missed = first, 0
    runs = _runs_after(automation, first)
    upcoming = next(runs)
    while upcoming <= now and missed < MAX_MISSED_COUNTED:
        latest, missed = upcoming, missed + 1
        upcoming = next(runs)
    if upcoming <= now:  # beyond the count cap: skip straight to the future
        upcoming = next_runs(automation, now)[0]
    return latest, missed, upcoming


def _runs_after(automation, after: datetime) -> Iterator[datetime]:
    if automation.trigger == "cron":
        return cron_runs(automation.cron, automation.timezone, after)
    return interval_runs(automation.interval_seconds, after, after)


def describe(automation) -> str:
    """A short human description of the trigger's schedule."""
    if automation.trigger == "cron":
        return f"cron “{automation.cron}” ({automation.timezone})"
    if automation.trigger == "interval":
        seconds = automation.interval_seconds or 0
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds % size == 0:
                n = seconds // size
                return f"every {n} {unit}{'s' if n != 1 else ''}"
        return f"every {seconds} seconds"
    return ""
