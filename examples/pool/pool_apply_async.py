"""Run five tasks in a pool of four workers and wait for every result."""

import os
import random
import time
from multiprocessing import Pool


def long_time_task(name):
    print(f"Run task {name} ({os.getpid()})...")
    start = time.time()
    time.sleep(random.random() / 2)  # up to half a second
    end = time.time()
    print(f"Task {name} runs {end - start:0.2f} seconds.")


if __name__ == "__main__":
    print(f"Parent process {os.getpid()}.")
    with Pool(4) as pool:
        results = [pool.apply_async(long_time_task, (i,)) for i in range(5)]
        print("Waiting for all subprocesses done...")
        for result in results:
            result.get()  # waits for the task; re-raises its exception, if any
    # Leaving the with block called pool.terminate(): every result was
    # already fetched, so no task was cut short.
    print("All subprocesses done.")
