"""SimpleQueue: put() pickles and writes at once, with no feeder thread."""

from multiprocessing import Process, Queue, SimpleQueue


def squares(sq):
    for n in range(4):
        sq.put(n * n)  # written to the pipe before put() returns


if __name__ == "__main__":
    q, sq = Queue(), SimpleQueue()
    q.put("x")  # handed to the feeder thread, written a moment later
    sq.put("x")  # already in the pipe when put() returns
    print("Queue empty right after put():", q.empty())
    print("SimpleQueue empty right after put():", sq.empty())
    print("got", q.get(), "and", sq.get())

    p = Process(target=squares, args=(sq,))
    p.start()
    print("from the child:", [sq.get() for _ in range(4)])
    p.join()
    print("SimpleQueue empty at the end:", sq.empty())
    sq.close()  # Python 3.9+: releases the pipe; sq is unusable after
    q.close()
