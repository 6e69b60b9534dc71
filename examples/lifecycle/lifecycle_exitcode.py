"""The exit code of a child: returned, sys.exit(N), or an exception."""

import sys
from multiprocessing import Process


def returns():
    pass  # run() returns normally


def exits():
    sys.exit(3)  # SystemExit with an integer


def raises():
    raise ValueError("something went wrong")  # not caught in the child


if __name__ == "__main__":
    for target in (returns, exits, raises):
        p = Process(target=target)
        p.start()
        p.join()
        print(f"{target.__name__}: exitcode {p.exitcode}")
