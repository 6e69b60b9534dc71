"""A Semaphore(2) lets at most two of five workers in at once."""

import time
from multiprocessing import Process, Semaphore, Value


def worker(i, sem, inside):
    """Enter, stay a moment, leave; count who is inside meanwhile."""
    with sem:
        with inside.get_lock():
            inside.value += 1
            print(f"Worker {i} enters, {inside.value} inside")
        time.sleep(0.2)
        with inside.get_lock():
            inside.value -= 1
            print(f"Worker {i} leaves, {inside.value} inside")


if __name__ == "__main__":
    sem = Semaphore(2)
    inside = Value("i", 0)  # a shared int, with a lock of its own
    args = (sem, inside)
    workers = [Process(target=worker, args=(i, *args)) for i in range(5)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
