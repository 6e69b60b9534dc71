"""A daemon child is terminated as soon as the parent's code ends."""

import time
from multiprocessing import Process


def worker(interval):
    print(f"work start: {time.ctime()}")
    time.sleep(interval)
    print(f"work end: {time.ctime()}")


if __name__ == "__main__":
    p = Process(target=worker, args=(1,), daemon=True)
    p.start()
    print("end!")
    # At exit, multiprocessing calls terminate() on every daemon child.
