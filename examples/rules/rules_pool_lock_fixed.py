"""The fix: hand the lock to each worker once, through the initializer."""

from multiprocessing import Lock, Pool


def init(the_lock):
    global lock
    lock = the_lock  # each worker keeps the lock it inherited


def work(n):
    with lock:
        return n * n


if __name__ == "__main__":
    with Pool(2, initializer=init, initargs=(Lock(),)) as pool:
        print(pool.map(work, [1, 2, 3]))
