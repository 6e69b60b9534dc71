"""Two children print, and the parent reports on them."""

import sys
import time
from multiprocessing import Event, Process


def greet(go, flush):
    go.wait()  # Print only after the parent's line.
    print("child: hello", flush=flush)


def stall(printed, flush):
    print("stalled child: before terminate()", flush=flush)
    printed.set()
    time.sleep(30)  # Until the parent terminates it.


if __name__ == "__main__":
    flush = "--flush" in sys.argv
    go, printed = Event(), Event()
    p = Process(target=greet, args=(go, flush))
    print("parent: starting a child", flush=flush)
    p.start()
    print("parent: child started", flush=flush)
    go.set()
    p.join()
    q = Process(target=stall, args=(printed, flush))
    q.start()
    printed.wait()
    q.terminate()
    q.join()
    print("parent: done", flush=flush)
