"""map, starmap and their _async forms: results come back in input order."""

import os
from multiprocessing import Pool


def square(x):
    return x * x


def power(base, exponent):
    return base**exponent


if __name__ == "__main__":
    with Pool(2) as pool:
        # map() blocks until every task is done; one result per argument.
        squares = pool.map(square, range(8))
        print(f"map: {squares}")
        # starmap() unpacks each tuple into the function's arguments.
        powers = pool.starmap(power, [(2, 10), (3, 3), (10, 2)])
        print(f"starmap: {powers}")
        # The _async forms return an AsyncResult at once; get() waits.
        pending = pool.map_async(square, range(8))
        pending_pairs = pool.starmap_async(power, [(2, 3), (5, 2)])
        print(f"map_async returned a {type(pending).__name__}")
        total = sum(pending.get())
        print(f"map_async: sum of squares is {total}")
        print(f"starmap_async: {pending_pairs.get()}")
    print(f"parent {os.getpid()} done")
