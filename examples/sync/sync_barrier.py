"""No worker passes the Barrier until all three have arrived."""

import time
from multiprocessing import Barrier, Process


def worker(i, barrier):
    """Arrive after some work of its own, then wait for the others."""
    time.sleep(0.1 * i)
    print(f"Worker {i} arrived")
    barrier.wait()
    print(f"Worker {i} passed")


if __name__ == "__main__":
    barrier = Barrier(3)
    workers = [Process(target=worker, args=(i, barrier)) for i in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
