"""Which processes run the main module's top level, and under what name."""

import multiprocessing as mp
import os

# The top level: runs wherever this file is imported, in any process.
name = mp.current_process().name
print(f"top level: {__name__!r} in {name}, pid {os.getpid()}")


def work():
    print(f"child {os.getpid()}: working")


if __name__ == "__main__":
    print(f"parent {os.getpid()}: start method {mp.get_start_method()}")
    for _ in range(2):
        p = mp.Process(target=work)
        p.start()
        p.join()
    print(f"parent {os.getpid()}: done")
