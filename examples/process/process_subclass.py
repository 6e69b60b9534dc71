"""Subclass Process, put the child's work in run(), then start and join it."""

import os
import time
from multiprocessing import Process


class ClockProcess(Process):
    """Print the time every ``interval`` seconds, ``ticks`` times."""

    def __init__(self, interval, ticks=3):
        super().__init__()  # always first: it sets up the Process object
        self.interval = interval
        self.ticks = ticks

    def run(self):
        # start() arranges for this method to run in the new process.
        for _ in range(self.ticks):
            print(f"[{os.getpid()}] the time is {time.ctime()}")
            time.sleep(self.interval)


if __name__ == "__main__":
    print(f"Parent process {os.getpid()}.")
    p = ClockProcess(0.3)
    p.start()
    p.join()
    print(f"Clock process exited with code {p.exitcode}.")
