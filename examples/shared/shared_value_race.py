"""+= on a shared Value is a read and then a write: updates can be lost."""

from multiprocessing import Barrier, Process, Value

WORKERS = 4
TIMES = 10_000  # increments per worker


def add(counter, start, locked):
    start.wait()  # all workers begin together, so they overlap
    for _ in range(TIMES):
        if locked:
            with counter.get_lock():  # the read and the write as one
                counter.value += 1
        else:
            counter.value += 1  # read, then write: two steps


def run(locked):
    counter = Value("i", 0)
    start = Barrier(WORKERS)
    workers = [
        Process(target=add, args=(counter, start, locked))
        for _ in range(WORKERS)
    ]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    return counter.value


if __name__ == "__main__":
    expected = WORKERS * TIMES
    total = run(locked=False)
    print(f"without get_lock(): {total} of {expected}")
    print(f"  total <= {expected}: {total <= expected}")
    print(f"with get_lock():    {run(locked=True)} of {expected}")
