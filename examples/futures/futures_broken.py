"""A worker that dies breaks the whole executor: BrokenProcessPool."""

import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def die():
    os._exit(1)  # the worker ends at once, as if it had crashed


def square(x):
    return x * x


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        print(f"before: {executor.submit(square, 3).result()}")
        doomed = executor.submit(die)
        try:
            doomed.result()
        except BrokenProcessPool as error:
            print(f"result() raised {type(error).__name__}: {error}")
        try:
            executor.submit(square, 4)
        except BrokenProcessPool as error:
            print(f"submit() raised {type(error).__name__}: {error}")
