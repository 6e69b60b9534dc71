"""The same records, each printed while holding a Lock."""

import time
from multiprocessing import Lock, Process


def report(i, lock):
    """Print one record; no other record can start meanwhile."""
    with lock:
        print(f"[{i}] begin")
        time.sleep(0.1)
        print(f"[{i}] working")
        time.sleep(0.1)
        print(f"[{i}] end")


if __name__ == "__main__":
    lock = Lock()
    workers = [Process(target=report, args=(i, lock)) for i in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
