"""Queue.put() does not raise for an object that cannot be pickled."""

from multiprocessing import Process, Queue


def consume(q):
    print("child got", repr(q.get()))


if __name__ == "__main__":
    q = Queue()
    p = Process(target=consume, args=(q,))
    p.start()
    q.put(lambda x: x)  # pickled later, by this process's feeder thread
    print("parent: put(lambda) returned without an error")
    q.put("the next item")
    p.join()
    print("parent: child exited with", p.exitcode)
