"""A lambda as the target: spawn and forkserver must pickle it, and can't."""

from multiprocessing import Process

if __name__ == "__main__":
    p = Process(target=lambda: print("the lambda ran in the child"))
    p.start()  # spawn, forkserver: pickles the target, and fails here
    p.join()
    print(f"child exited with {p.exitcode}")
