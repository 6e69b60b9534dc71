"""A threading.Lock as an argument: spawn must pickle it, and can't."""

import threading
from multiprocessing import Process


def work(lock):
    with lock:
        print("the child holds the lock")


if __name__ == "__main__":
    lock = threading.Lock()  # a lock of this process's threads only
    p = Process(target=work, args=(lock,))
    p.start()  # spawn, forkserver: pickles the args, and fails here
    p.join()
    print(f"child exited with {p.exitcode}")
