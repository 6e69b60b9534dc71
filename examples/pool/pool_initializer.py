"""initializer(*initargs) runs once in each worker, before its tasks."""

import os
from multiprocessing import Pool

greeting = None  # set in each worker by init_worker


def init_worker(text):
    global greeting
    greeting = f"{text} from {os.getpid()}"
    print(f"worker {os.getpid()} initialized with {text!r}")


def greet(name):
    return f"{name}: {greeting}"


if __name__ == "__main__":
    with Pool(2, initializer=init_worker, initargs=("hello",)) as pool:
        replies = pool.map(greet, ["a", "b", "c", "d"], chunksize=1)
        pool.close()
        pool.join()  # every worker has initialized and exited
    for reply in replies:
        print(reply)
    print(f"the parent's greeting is still {greeting}")
