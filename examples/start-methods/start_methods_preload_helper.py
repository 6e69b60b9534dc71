"""A module that says when it is imported, and by which process."""

import os

print(f"helper imported in pid {os.getpid()}")


def work(n):
    print(f"child {n} (pid {os.getpid()}): parent is {os.getppid()}")
