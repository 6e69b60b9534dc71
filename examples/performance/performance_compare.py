"""CPU-bound and I/O-bound tasks: serially, by threads, by processes."""

import multiprocessing as mp
import os
import platform
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def spin(n):  # CPU-bound: pure Python, holding the GIL throughout
    return sum(i * i for i in range(n))


def nap(seconds):  # I/O-bound: waiting, as for a disk or the network
    time.sleep(seconds)


WORK = {"CPU-bound": (spin, 200_000), "I/O-bound": (nap, 0.02)}


def seconds(map_, task, arg):
    """Seconds to run task(arg) 8 times through map_: the best of 3 tries,
    so that one stall of a busy machine does not decide the figure."""
    tries = []
    for _ in range(3):
        start = time.perf_counter()
        list(map_(task, [arg] * 8))
        tries.append(time.perf_counter() - start)
    return min(tries)


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores, {platform.platform()}")
    method = mp.get_start_method()
    print(f"Python {platform.python_version()}, start method {method}")
    t = {(w, "serial", 1): seconds(map, *WORK[w]) for w in WORK}
    for name, pool, lib in [
        ("threads", ThreadPoolExecutor, threading),
        ("processes", ProcessPoolExecutor, mp),
    ]:
        for n in (1, 2, 4):
            started = lib.Barrier(n + 1)  # the n workers and this thread
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
    for w, pool, n, by in [
        ("I/O-bound", "threads", 4, 1),
        ("I/O-bound", "processes", 4, 1),
        ("CPU-bound", "threads", 4, 1.5),
        ("CPU-bound", "processes", 2, 1.5),
    ]:
        print(f"{w}, {n} {pool}: speedup > {by}: {speedup[w, pool, n] > by}")
