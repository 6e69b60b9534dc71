"""A non-daemon child: the parent's code doesn't wait, but the program does."""

import time
from multiprocessing import Process


def worker(interval):
    print(f"work start: {time.ctime()}")
    time.sleep(interval)
    print(f"work end: {time.ctime()}")


if __name__ == "__main__":
    p = Process(target=worker, args=(1,))
    p.start()
    # No p.join(), on purpose: the lesson is that the program still waits.
    # At exit, multiprocessing joins every non-daemon child.
    print("end!")
