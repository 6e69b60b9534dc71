"""Python 3.12+ warns when a process with threads forks (POSIX only)."""

import multiprocessing as mp
import os
import sys
import threading
import warnings


def work():
    print("child: running")


if __name__ == "__main__":
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()  # now this process has two threads
    print(f"pid {os.getpid()}: {threading.active_count()} threads running")
    ctx = mp.get_context("fork")  # POSIX only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # as python -W default does
        p = ctx.Process(target=work)
        p.start()  # calls os.fork()
        p.join()
    release.set()
    thread.join()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    print(f"Python {version}: {len(caught)} warning(s)")
    for w in caught:  # print each one as Python would have
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
