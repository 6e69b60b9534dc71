"""The tasks that performance_compare_main.py times, and how it times them."""

import time


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
