"""The fix for both: a top-level target, a multiprocessing.Lock."""

from multiprocessing import Lock, Process


def work(lock):
    with lock:
        print("work() ran in the child, holding the lock")


if __name__ == "__main__":
    lock = Lock()  # made to be shared: passed to the child as it starts
    p = Process(target=work, args=(lock,))  # target pickled as __main__.work
    p.start()
    p.join()
    print(f"child exited with {p.exitcode}")
