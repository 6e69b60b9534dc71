"""Joining a child that still has data for a Queue waits for ever."""

from multiprocessing import Process, Queue

SIZE = 10_000_000  # 10 MB, far more than any pipe's buffer holds


def produce(q):
    q.put("x" * SIZE)  # returns at once: the feeder thread writes it
    print("child: put() returned, produce() returns")


if __name__ == "__main__":
    q = Queue()
    p = Process(target=produce, args=(q,))
    p.start()
    p.join(timeout=0.5)  # a plain join() here would never return
    print("after join(timeout=0.5): is_alive() =", p.is_alive())
    data = q.get()  # drain the queue first...
    p.join()  # ...then the child can finish exiting
    print("after get() and join(): is_alive() =", p.is_alive())
    print(f"got {len(data):,} characters; exit code {p.exitcode}")
