"""Running work in parallel threads, as concurrent requests do."""

import threading

from django.db import connections


def in_threads(count, work):
    """Run work(i) in `count` threads released at the same moment; each thread has its own
    database connection, closed when it is done. Returns the errors."""
    barrier = threading.Barrier(count)
    errors = []

    def run(number):
        try:
            barrier.wait(timeout=30)
            work(number)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
