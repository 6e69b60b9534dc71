"""What the server and its clients share: the manager class, the key."""

import os
import queue
import time
from multiprocessing.managers import BaseManager

AUTHKEY = b"change me"  # the server and every client must know it
queues = {"tasks": queue.Queue(), "results": queue.Queue()}


def get_queue(name):  # called in the server process only
    return queues[name]


class QueueManager(BaseManager):
    pass


# Top level, not a lambda: under spawn and forkserver, start() pickles it.
QueueManager.register("get_queue", callable=get_queue)


def work(name, address):
    manager = QueueManager(address=address, authkey=AUTHKEY)
    manager.connect()  # over TCP; both ends prove they know the key
    print(f"{name} (pid {os.getpid()}) connected")
    tasks = manager.get_queue("tasks")
    results = manager.get_queue("results")
    while (n := tasks.get()) is not None:
        time.sleep(0.05)  # the work
        results.put((n, n * n, name))
