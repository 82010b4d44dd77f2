"""Keep the Prometheus multiprocess folder from growing with every worker gunicorn recycles.

In multiprocess mode each worker counts in its own files (``counter_<pid>.db``,
``histogram_<pid>.db``) and a scrape adds up every file in the folder. A dead worker's files
must stay, or its counts would vanish from totals that must only grow; prometheus_client leaves
them there for that reason, and says nothing of how many pile up. Workers recycled every
``max_requests`` leave two files each, thousands a day on a busy server, all read on every
scrape. By hand because the library has no compaction: when a worker dies, the master adds its
values into one archive file per kind and removes its files. Counters and histogram buckets are
sums, so the totals stay exactly what they were.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict

# Named like a worker's file, so the collector reads it as the same kind.
ARCHIVE = "{kind}_archivo.db"
KINDS = ("counter", "histogram")


def fold_dead_worker(directory: str | os.PathLike[str], pid: int) -> None:
    """Add the dead worker ``pid``'s counts into the archive files, then remove its files.

    Runs in gunicorn's master (``child_exit``), one worker at a time. Our gauges are computed at
    scrape time, so they leave no files; prometheus_client's ``mark_process_dead`` handles any.
    """
    folder = Path(directory)
    for kind in KINDS:
        dead = folder / f"{kind}_{pid}.db"
        if not dead.exists():
            continue
        archive = MmapedDict(str(folder / ARCHIVE.format(kind=kind)))
        try:
            for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(dead)):
                total, _ = archive.read_value(key)
                archive.write_value(key, total + value, timestamp)
        finally:
            archive.close()
        dead.unlink()
