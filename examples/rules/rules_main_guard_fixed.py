"""The fix: start processes only inside the __main__ guard."""

import os
from multiprocessing import Process


def greet():
    print(f"child {os.getpid()} says hello")


print(f"top level runs in {os.getpid()}, as {__name__}")

if __name__ == "__main__":
    p = Process(target=greet)
    p.start()
    p.join()
    print(f"child exited with {p.exitcode}")
