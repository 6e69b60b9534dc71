"""Leaving the with block calls terminate(): unfinished tasks never end."""

import multiprocessing
import os
from multiprocessing import Pool

started = release = None  # set in each worker by init_worker


def init_worker(started_queue, release_event):
    global started, release
    started, release = started_queue, release_event


def task(i):
    print(f"task {i} started in worker {os.getpid()}")
    started.put(i)
    release.wait()  # the parent never sets it
    print(f"task {i} finished")


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    event = multiprocessing.Event()
    with Pool(2, initializer=init_worker, initargs=(queue, event)) as pool:
        results = [pool.apply_async(task, (i,)) for i in range(4)]
        print(f"tasks {sorted([queue.get(), queue.get()])} have started")
    # __exit__ called pool.terminate(): both workers were stopped mid-task
    # and the two queued tasks were dropped.
    print(f"ready after the with block: {[r.ready() for r in results]}")
