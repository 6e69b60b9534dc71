"""Future.cancel() and shutdown(cancel_futures=True) (Python 3.9+)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

started = release = None  # set in each worker by init_worker


def init_worker(started_event, release_event):
    global started, release
    started, release = started_event, release_event


def block():
    started.set()
    release.wait()  # until the parent sets the event
    return "released"


def square(x):
    return x * x


if __name__ == "__main__":
    started_event = multiprocessing.Event()
    release_event = multiprocessing.Event()
    args = (started_event, release_event)
    with ProcessPoolExecutor(
        1, initializer=init_worker, initargs=args
    ) as executor:
        first = executor.submit(block)
        started_event.wait()  # the only worker is busy with it
        rest = [executor.submit(square, x) for x in range(1, 7)]
        print(f"cancel the running task: {first.cancel()}")
        print(f"cancel the last task: {rest[-1].cancel()}")
        # Free the worker only once shutdown() has cancelled task 5.
        rest[4].add_done_callback(lambda future: release_event.set())
        executor.shutdown(cancel_futures=True)  # waits for every task
    for name, future in [("first", first), *enumerate(rest, 1)]:
        state = "cancelled" if future.cancelled() else future.result()
        print(f"{name}: {state}")
