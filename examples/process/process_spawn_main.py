"""Start a child whose target lives in another file: spawn's imports."""

from multiprocessing import Process, current_process

# Top level: runs on every import of this file, in any process.
print(f"[{current_process().name}] main file's top level, as {__name__}")

if __name__ == "__main__":
    # Imported here, not at the top, only so that the output can tell
    # apart the two imports a spawned child makes.
    from process_spawn_worker import greet

    p = Process(target=greet, args=("hello",))
    print(f"[{current_process().name}] starting the child")
    p.start()
    p.join()
    print(f"[{current_process().name}] child exited with {p.exitcode}")
