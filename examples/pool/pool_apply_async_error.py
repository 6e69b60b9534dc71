"""Task 3 fails, but nobody fetches its result, so the error is lost."""

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
        for i in range(5):
            pool.apply_async(long_time_task, (i,))  # the result is thrown away
        print("Waiting for all subprocesses done...")
        pool.close()
        pool.join()  # waits for every task, but raises nothing
    print("All subprocesses done.")
