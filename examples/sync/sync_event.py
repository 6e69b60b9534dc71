"""Workers block on an Event until the parent sets it."""

from multiprocessing import Event, Process


def worker(i, event):
    """Wait for the event, then go."""
    print(f"Worker {i} waiting")
    event.wait()
    print(f"Worker {i} goes")


if __name__ == "__main__":
    event = Event()
    workers = [Process(target=worker, args=(i, event)) for i in range(3)]
    for p in workers:
        p.start()
    # Nobody has set the event: wait() gives up after the timeout.
    print(f"Parent: wait(1) returned {event.wait(1)}")
    print("Parent: setting the event")
    event.set()
    for p in workers:
        p.join()
    print(f"Parent: is_set() is {event.is_set()}")
