"""What a child gets from its parent under each start method."""

import multiprocessing as mp
import os

colour = "red"  # module level: set again wherever this file is imported


def show(n):
    """Runs in the child process."""
    print(f"child {n}: colour is {colour}, parent is {os.getppid()}")


if __name__ == "__main__":
    print(f"parent {os.getpid()}: start method {mp.get_start_method()}")
    colour = "blue"  # changed in the parent only, after the import
    for n in (1, 2):
        p = mp.Process(target=show, args=(n,))
        p.start()
        p.join()
    print(f"parent {os.getpid()}: colour is {colour}")
