"""Producers and consumers share a Queue; None tells a consumer to stop."""

from multiprocessing import Process, Queue

STOP = None  # the sentinel: never a real item


def produce(q, name):
    for i in range(3):
        q.put(f"{name}{i}")


def consume(q, n):
    while True:
        item = q.get()  # blocks until an item comes
        if item is STOP:
            break
        print(f"consumer {n} got {item}")
    print(f"consumer {n} exiting")


if __name__ == "__main__":
    q = Queue()
    producers = [Process(target=produce, args=(q, name)) for name in "AB"]
    consumers = [Process(target=consume, args=(q, n)) for n in (1, 2)]
    for p in producers + consumers:
        p.start()
    for p in producers:
        p.join()  # a producer exits only once its items are in the pipe
    for _ in consumers:
        q.put(STOP)  # one per consumer, queued behind every item
    for c in consumers:
        c.join()
    print("all consumers exited")
