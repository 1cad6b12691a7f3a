"""What the benchmarks share."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    Read from VmHWM, which starts afresh at exec. `getrusage().ru_maxrss` would not do in a child
    process: on Linux it keeps the peak of the parent's copy from before the exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("VmHWM missing from /proc/self/status")
