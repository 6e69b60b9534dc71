"""mp_context, initializer and max_tasks_per_child (Python 3.11+)."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def init_worker(tag):
    print(
        f"{tag}: worker {os.getpid()} starts "
        f"({multiprocessing.get_start_method()})"
    )


def whoami(task):
    return os.getpid()


if __name__ == "__main__":
    # max_tasks_per_child needs a start method other than fork; naming
    # the context makes the choice explicit.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=context,
        initializer=init_worker,
        initargs=("init",),
        max_tasks_per_child=2,  # a fresh worker after every 2 tasks
    ) as executor:
        for task in range(4):
            pid = executor.submit(whoami, task).result()
            print(f"task {task} ran in worker {pid}")
