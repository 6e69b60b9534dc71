"""Every process's log records go through one handler, in the parent."""

import logging
import logging.handlers
from multiprocessing import Process, Queue


def log_to(queue):
    """Send this process's records to the queue, and nowhere else."""
    root = logging.getLogger()
    root.handlers = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


def work(queue, n):
    log_to(queue)  # First, under any start method.
    log = logging.getLogger("work")
    for step in (1, 2):
        log.info("task %d, step %d", n, step)


if __name__ == "__main__":
    queue = Queue()
    workers = [Process(target=work, args=(queue, n)) for n in range(3)]
    for p in workers:
        p.start()  # Before the listener's thread: see the page.
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(processName)s: %(message)s"))
    listener = logging.handlers.QueueListener(queue, console)
    listener.start()
    log_to(queue)
    for p in workers:
        p.join()
    logging.getLogger("main").info("%d workers joined", len(workers))
    listener.stop()
