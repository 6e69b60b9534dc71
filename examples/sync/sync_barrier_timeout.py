"""A Barrier for three, but only two come: wait(timeout) breaks it."""

from multiprocessing import Barrier, Process
from threading import BrokenBarrierError


def worker(i, barrier):
    """Wait at most 0.5 s for the others."""
    print(f"Worker {i} arrived")
    try:
        barrier.wait(timeout=0.5)
    except BrokenBarrierError:
        print(f"Worker {i}: the barrier is broken")
    else:
        print(f"Worker {i} passed")


if __name__ == "__main__":
    barrier = Barrier(3)
    workers = [Process(target=worker, args=(i, barrier)) for i in range(2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    print(f"Parent: barrier.broken is {barrier.broken}")
