"""Serve the queues over TCP; two client processes take the tasks."""

from multiprocessing import AuthenticationError, Process, active_children

from distributed_queue_worker import AUTHKEY, QueueManager, work

if __name__ == "__main__":
    # Port 0: the OS picks a free port; server.address says which.
    with QueueManager(("127.0.0.1", 0), authkey=AUTHKEY) as server:
        [process] = active_children()  # the server process
        print(f"{process.name} (pid {process.pid}) at {server.address}")
        try:
            QueueManager(server.address, authkey=b"guess").connect()
        except AuthenticationError as error:
            print(f"wrong key: {error!r}")
        clients = [
            Process(target=work, args=(f"client-{i}", server.address))
            for i in (1, 2)
        ]
        for p in clients:
            p.start()
        tasks = server.get_queue("tasks")
        for n in [*range(6), None, None]:  # a None per client: stop
            tasks.put(n)
        for p in clients:
            p.join()
        results = server.get_queue("results")
        for n, square, name in sorted(results.get() for _ in range(6)):
            print(f"{n} * {n} = {square} ({name})")
    print(f"after shutdown, live children: {active_children()}")
