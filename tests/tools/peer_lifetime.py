"""peer_lifetime: a loopback test server ends with the process that started it.

A test script that fails half-way (or is killed by ctest's timeout) never reaches its stop
function; its servers would live on. exit_with_parent() starts a thread that ends this process
once its parent is gone (it was re-parented) or after `max_seconds`.
"""
import os
import threading
import time


def exit_with_parent(max_seconds=900):
    parent, start = os.getppid(), time.monotonic()

    def watch():
        while os.getppid() == parent and time.monotonic() - start < max_seconds:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
