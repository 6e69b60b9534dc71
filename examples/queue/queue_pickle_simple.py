"""SimpleQueue.put() pickles in the caller, so it raises right there."""

import threading
from multiprocessing import Lock, SimpleQueue


def numbers():
    yield 1


if __name__ == "__main__":
    sq = SimpleQueue()
    for obj in (lambda x: x, numbers(), threading.Lock(), Lock()):
        try:
            sq.put(obj)
        except Exception as error:
            print(f"{type(error).__name__}: {error}")
    sq.close()
