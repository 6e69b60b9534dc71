"""Time starting and joining N trivial processes under each method."""

import multiprocessing as mp
import time

N = 5


def nothing():
    pass


def start_and_join(ctx):
    """Seconds to start N processes one at a time, joining each."""
    began = time.perf_counter()
    for _ in range(N):
        p = ctx.Process(target=nothing)
        p.start()
        p.join()
    return time.perf_counter() - began


if __name__ == "__main__":
    print(f"{'method':<12}{'processes':>10}{'total s':>10}{'each ms':>10}")
    for method in mp.get_all_start_methods():
        seconds = start_and_join(mp.get_context(method))
        each = seconds / N * 1000
        print(f"{method:<12}{N:>10}{seconds:>10.3f}{each:>10.1f}")
