"""maxtasksperchild: a worker exits after N tasks and a fresh one starts."""

import os
from collections import Counter
from multiprocessing import Pool


def whoami(task):
    return os.getpid()


if __name__ == "__main__":
    # Each worker runs at most 2 tasks; chunksize=1 makes each task one
    # unit of work (a chunk counts as one task).
    with Pool(2, maxtasksperchild=2) as pool:
        pids = pool.map(whoami, range(8), chunksize=1)
    for task, pid in enumerate(pids):
        print(f"task {task} ran in worker {pid}")
    per_worker = Counter(pids)
    print(f"{len(per_worker)} workers ran the 8 tasks")
    print(f"most tasks in one worker: {max(per_worker.values())}")
