"""CPU-bound work in 1 thread, 4 threads and 4 processes: here, and in a
free-threaded python3.14t or python3.13t if one is on PATH."""

import shutil
import subprocess
import sys
import sysconfig
import time
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

WORK = [2_000_000] * 4  # four equal tasks


def count(n):
    """Pure Python arithmetic: a thread runs it holding the GIL, if any."""
    return sum(i % 7 for i in range(n))


def seconds(pool_class=None):
    start = time.perf_counter()
    if pool_class is None:
        [count(n) for n in WORK]  # one after another, in this thread
    else:
        with pool_class(4) as pool:  # the pool's start-up counts too
            pool.map(count, WORK)
    return f"{time.perf_counter() - start:9.2f} s"


def row():
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        name += "t"  # a free-threaded build
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()  # new in 3.13
    times = seconds() + seconds(ThreadPool) + seconds(Pool)
    return f"{name:<12}{'on' if gil else 'off':>4}{times}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--row"]:  # the part run by the other interpreter
        print(row())
    else:
        print(f"{'':12} GIL   1 thread  4 threads  4 processes")
        print(row(), flush=True)  # before the child prints its row
        free = shutil.which("python3.14t") or shutil.which("python3.13t")
        if free:
            subprocess.run([free, __file__, "--row"], check=True)
        else:
            print("no python3.14t or python3.13t on PATH: no GIL-free row")
