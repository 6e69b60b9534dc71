"""Call get() on each AsyncResult: the task's exception reaches the parent."""

import os
import random
import time
from multiprocessing import Pool


def long_time_task(name):
    print(f"Run task {name} ({os.getpid()})...")
    start = time.time()
    time.sleep(random.random() / 2)  # up to half a second
    if name == 3:
        raise ValueError(f"task {name} failed")
    end = time.time()
    print(f"Task {name} runs {end - start:0.2f} seconds.")


if __name__ == "__main__":
    print(f"Parent process {os.getpid()}.")
    with Pool(4) as pool:
        results = [pool.apply_async(long_time_task, (i,)) for i in range(5)]
        print("Waiting for all subprocesses done...")
        for i, result in enumerate(results):
            try:
                result.get()  # re-raises the exception the task raised
            except ValueError as error:
                print(f"Task {i} raised {error!r} in its worker.")
    print("All subprocesses done.")
