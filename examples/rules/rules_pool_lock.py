"""A multiprocessing.Lock in a Pool task: tasks are always pickled."""

from multiprocessing import Lock, Pool


def work(lock, n):
    with lock:
        return n * n


if __name__ == "__main__":
    lock = Lock()
    with Pool(2) as pool:
        print(pool.apply(work, (lock, 3)))  # raises, under every method
