"""A process waits on a Condition until three workers have reported."""

from multiprocessing import Condition, Process, Value


def worker(i, cond, done):
    """Count one more report, and wake whoever waits on cond."""
    with cond:
        done.value += 1
        print(f"Worker {i} reports, {done.value} done")
        cond.notify_all()


def waiter(cond, done):
    """Sleep until the count reaches 3, however late it starts."""
    with cond:
        print("Waiter: waiting for 3 reports")
        cond.wait_for(lambda: done.value == 3)
        print(f"Waiter: {done.value} done, carrying on")


if __name__ == "__main__":
    cond = Condition()
    done = Value("i", 0, lock=False)  # cond's lock guards it
    procs = [Process(target=waiter, args=(cond, done))]
    procs += [Process(target=worker, args=(i, cond, done)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
