"""JoinableQueue: join() returns once every item was marked task_done()."""

from multiprocessing import JoinableQueue, Process


def work(q, n):
    while True:
        item = q.get()
        if item is None:  # the sentinel: stop
            q.task_done()  # it was put, so it is counted too
            break
        print(f"worker {n} processed item {item}")
        q.task_done()  # only after the work on the item is done
    print(f"worker {n} exiting")


if __name__ == "__main__":
    q = JoinableQueue()
    workers = [Process(target=work, args=(q, n)) for n in (1, 2)]
    for w in workers:
        w.start()
    for item in range(5):
        q.put(item)
    q.join()  # blocks until task_done() was called once per item put
    print("q.join() returned: all 5 items processed")
    for _ in workers:
        q.put(None)
    for w in workers:
        w.join()
    print("workers joined")
