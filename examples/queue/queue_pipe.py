"""A duplex Pipe: each end can both send and receive."""

from multiprocessing import Pipe, Process


def child(conn):
    msg = conn.recv()  # blocks until the parent sends
    print(f"child received {msg!r}")
    conn.send(f"pong, in reply to {msg!r}")
    conn.close()


if __name__ == "__main__":
    parent_conn, child_conn = Pipe()  # duplex=True by default
    p = Process(target=child, args=(child_conn,))
    p.start()
    # The child sends only after it has received, so nothing can be there
    # yet: poll() waits up to 0.2 s for data, then returns False.
    print("poll(0.2) before we send:", parent_conn.poll(0.2))
    parent_conn.send("ping")
    print(f"parent received {parent_conn.recv()!r}")
    p.join()
