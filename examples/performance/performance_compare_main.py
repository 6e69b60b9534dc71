"""CPU-bound and I/O-bound tasks: serially, by threads, by processes."""

import multiprocessing as mp
import os
import platform
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from performance_compare_worker import WORK, seconds

POOLS = {
    "threads": (ThreadPoolExecutor, threading.Barrier),
    "processes": (ProcessPoolExecutor, mp.Barrier),
}
CLAIMS = [  # (work, pool, workers, the speedup the line compares with)
    ("I/O-bound", "threads", 4, 1),
    ("I/O-bound", "processes", 4, 1),
    ("CPU-bound", "threads", 4, 1.5),
    ("CPU-bound", "processes", 2, 1.5),
]

if __name__ == "__main__":
    print(f"{os.cpu_count()} cores, {platform.platform()}")
    method = mp.get_start_method()
    print(f"Python {platform.python_version()}, start method {method}")
    t = {(w, "serial", 1): seconds(map, *WORK[w]) for w in WORK}
    for name, (pool, barrier) in POOLS.items():
        for n in (1, 2, 4):
            started = barrier(n + 1)  # the n workers and this thread
            with pool(n, initializer=started.wait) as executor:
                for _ in range(n):
                    executor.submit(int)  # no worker idle: starts one
                started.wait()  # returns once all n workers have started
                for w in WORK:  # the pool's start is not timed
                    t[w, name, n] = seconds(executor.map, *WORK[w])
    speedup = {key: t[key[0], "serial", 1] / s for key, s in t.items()}
    for w in WORK:
        print(f"\n{w:<12}{'workers':>8}{'seconds':>9}{'speedup':>9}")
        for (work, pool, n), s in t.items():
            if work == w:
                print(f"{pool:<12}{n:>8}{s:>9.3f}{speedup[w, pool, n]:>9.2f}")
    print()
    for w, pool, n, by in CLAIMS:
        print(f"{w}, {n} {pool}: speedup > {by}: {speedup[w, pool, n] > by}")
