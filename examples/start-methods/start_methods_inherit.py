"""What a child inherits: a global, and a file the parent opened."""

import multiprocessing as mp
import os
import tempfile

setting = "from the top level"  # set again wherever this file is imported


def show_setting():
    print(f"child: setting is {setting!r}")


def read_file(f):
    print(f"child: read {f.readline().strip()!r} from the parent's file")


def read_path(path):
    with open(path) as f:
        line = f.readline().strip()
    print(f"child: read {line!r} from {os.path.basename(path)}")


if __name__ == "__main__":
    print(f"parent: start method {mp.get_start_method()}")
    setting = "changed in the parent"  # after the import, before start()
    p = mp.Process(target=show_setting)
    p.start()
    p.join()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "note.txt")
        with open(path, "w") as f:
            f.write("hello from the parent\n")
        with open(path) as f:
            p = mp.Process(target=read_file, args=(f,))
            try:
                p.start()  # fork: no pickling; spawn, forkserver: pickled
                p.join()
            except TypeError as e:
                print(f"parent: start() failed: TypeError: {e}")
        p = mp.Process(target=read_path, args=(path,))  # a name pickles
        p.start()
        p.join()
