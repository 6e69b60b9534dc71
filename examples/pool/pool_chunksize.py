"""Many tiny tasks: sending them one by one costs more than the work."""

import time
from multiprocessing import Pool

N = 10_000


def tiny(x):
    return x + 1


def timed_map(pool, chunksize):
    start = time.perf_counter()
    results = pool.map(tiny, range(N), chunksize=chunksize)
    assert results == list(range(1, N + 1))
    return time.perf_counter() - start


if __name__ == "__main__":
    with Pool(4) as pool:
        pool.map(tiny, range(8))  # let every worker start first
        one = timed_map(pool, 1)  # one message per task
        default = timed_map(pool, None)  # map() picks the chunk size
        big = timed_map(pool, 1_250)  # 8 chunks, 2 per worker
    print(f"{N} tasks, chunksize=1:     {one:.3f} s")
    print(f"{N} tasks, chunksize=None:  {default:.3f} s")
    print(f"{N} tasks, chunksize=1250:  {big:.3f} s")
    print(f"chunksize=1 took {one / default:.0f} times as long as None")
    print(f"chunksize=1 was the slowest: {one > max(default, big)}")
