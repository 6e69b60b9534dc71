"""freeze_support(): first line under the guard; elsewhere it does nothing."""

import sys
from multiprocessing import Process, freeze_support


def work():
    print("work() ran in the child")


if __name__ == "__main__":
    freeze_support()  # does something only in a frozen program
    print(f"frozen: {getattr(sys, 'frozen', False)}")
    p = Process(target=work)
    p.start()
    p.join()
    print(f"child exited with {p.exitcode}")
