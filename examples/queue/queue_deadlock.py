"""Joining a child that still has data for a Queue waits for ever."""

from multiprocessing import Process, Queue

BIG = 10_000_000  # 10 MB: far more than a pipe's buffer holds


def produce(q, size):
    q.put("x" * size)  # returns at once: the feeder thread writes it
    print(f"child: put() of {size:,} characters returned")


if __name__ == "__main__":
    q = Queue()
    p = Process(target=produce, args=(q, 100))
    p.start()
    p.join()  # returns: 100 characters fit in the pipe's buffer
    print(f"small item: join() returned, got {len(q.get())} characters")

    p = Process(target=produce, args=(q, BIG))
    p.start()
    p.join(timeout=0.5)  # a plain join() here would never return
    print("big item: after join(timeout=0.5), is_alive() =", p.is_alive())
    data = q.get()  # drain the queue first...
    p.join()  # ...then the child can finish exiting
    print("after get() and join(): is_alive() =", p.is_alive())
    print(f"got {len(data):,} characters; exit code {p.exitcode}")
