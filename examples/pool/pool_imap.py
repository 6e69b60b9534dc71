"""imap keeps input order; imap_unordered yields results as they finish."""

import time
from multiprocessing import Pool


def slow_square(x):
    # Task 0 sleeps longest, task 3 not at all: they tend to finish in
    # reverse order.
    time.sleep((3 - x) * 0.1)
    return x * x


if __name__ == "__main__":
    with Pool(4) as pool:
        # imap() returns an iterator at once and yields in input order:
        # the result of task 1 waits until task 0 is done.
        for x, result in enumerate(pool.imap(slow_square, range(4))):
            print(f"imap: {x} -> {result}")
        # imap_unordered() yields each result as soon as it is done.
        for result in pool.imap_unordered(slow_square, range(4)):
            print(f"imap_unordered: {result}")
