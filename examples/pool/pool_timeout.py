"""get(timeout) raises multiprocessing.TimeoutError; the task goes on."""

import multiprocessing
from multiprocessing import Pool

release = None  # the Event each worker waits on, set by init_worker


def init_worker(event):
    global release
    release = event


def wait_for_release():
    release.wait()  # blocks until the parent sets the event
    return "released"


if __name__ == "__main__":
    event = multiprocessing.Event()
    with Pool(1, initializer=init_worker, initargs=(event,)) as pool:
        result = pool.apply_async(wait_for_release)
        try:
            result.get(timeout=0.2)
        except multiprocessing.TimeoutError as error:
            print(f"get(timeout=0.2) raised {type(error).__name__}")
            print(
                f"is it the built-in TimeoutError? "
                f"{isinstance(error, TimeoutError)}"
            )
        print(f"task done after the timeout? {result.ready()}")
        event.set()
        print(f"get() after set(): {result.get()}")
