"""A Pool replaces a worker that dies, but the task it held never ends."""

import multiprocessing
import os
from multiprocessing import Pool


def die():
    os._exit(1)  # the worker ends at once, as if it had crashed


def square(x):
    return x * x


if __name__ == "__main__":
    with Pool(1) as pool:
        lost = pool.apply_async(die)
        # The pool starts a new worker, which runs the next task.
        print(f"after the death: {pool.apply(square, (4,))}")
        try:
            lost.get(timeout=0.2)
        except multiprocessing.TimeoutError:
            print("the lost task has no result: get(timeout=0.2) timed out")
        print(f"lost.ready(): {lost.ready()}")
