"""Today's date in Mexico City: the default ``today`` of every check (CURP dates, rights,
documents), and the zone documents are dated in."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MEXICO_CITY = ZoneInfo("America/Mexico_City")


class _Today:
    """Today's date in Mexico City, recomputed only when the local day changes."""

    until = 0.0
    since = 0.0
    value = date.min

    @classmethod
    def get(cls) -> date:
        now = time.time()
        if not cls.since <= now < cls.until:
            local = datetime.now(MEXICO_CITY)
            midnight = datetime.combine(local.date(), datetime.min.time(), MEXICO_CITY)
            cls.since, cls.value = midnight.timestamp(), local.date()
            cls.until = (midnight + timedelta(days=1)).timestamp()
        return cls.value


def today_in_mexico() -> date:
    """The current date in Mexico City, the default ``today`` of every check."""
    return _Today.get()
