"""submit() returns a Future; as_completed() yields them as they finish."""

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed


def slow_square(x):
    time.sleep((3 - x) * 0.1)  # task 0 sleeps longest
    return x * x, os.getpid()


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=4) as executor:
        futures = {executor.submit(slow_square, x): x for x in range(4)}
        # as_completed() yields each Future as soon as it is done.
        for future in as_completed(futures):
            value, pid = future.result()
            print(f"as_completed: {futures[future]} -> {value} (worker {pid})")
        # map() yields the results in input order, like Pool.imap().
        results = executor.map(slow_square, range(4))
        for x, (value, _pid) in enumerate(results):
            print(f"map: {x} -> {value}")
    print("all done")
