"""How the ltv process takes fresh memory (Linux and glibc; elsewhere the C library and the
kernel keep their own ways). The kernel zeroes every fresh page: at 10^7 orders that was half
the run's CPU time (``perf``: ``clear_page_erms``), DuckDB's a tenth. Set by the command line
only: ``import ltvcli`` changes nothing in a host process."""

import ctypes
import sys

_PR_SET_THP_DISABLE = 41  # Linux's prctl option
_M_TOP_PAD = -2  # glibc's mallopt parameters
_M_MMAP_MAX = -4
_M_ARENA_MAX = -8


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)
    except (OSError, TypeError):  # Windows
        return None


def no_huge_pages() -> None:
    """No transparent huge pages: the kernel zeroes 2 MB at a first touch, however little of
    it an array or an Arrow buffer then uses (``ltv segments --by city`` at 10^7 orders: sys
    time 10 s -> 5 s, wall 18.8 s -> 15.6 s; the peak a little lower)."""
    libc = _libc()
    if libc is not None and sys.platform.startswith("linux") and hasattr(libc, "prctl"):
        libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)


def reuse_freed_memory() -> None:
    """Large arrays from glibc's heap, which keeps 256 MB free at its top: glibc maps each
    array over 32 MB afresh and unmaps it when freed, so every next array is zeroed again
    (sys time 5 s -> 3 s, wall 15.6 s -> 13.5 s at 10^7 orders, the same peak). Only for runs
    in memory: freed gaps inside the heap stay resident, which a ``--memory-limit`` the
    streaming engine must keep cannot afford."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_MAX, 0)
        libc.mallopt(_M_TOP_PAD, 256 << 20)
        # and every thread's arrays from that heap: glibc gives each thread that allocates an
        # arena of its own, fresh memory the kernel zeroes again and no other thread reuses
        # (the reduce on two threads at 10^7 orders: sys time 2.5 s -> 5 s, 1 GB more at the
        # peak; with one heap 2.9 s and 0.5 GB). numpy's arrays are few and large: no contention.
        libc.mallopt(_M_ARENA_MAX, 1)
