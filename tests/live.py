"""A platform of nameko services for one test module, on its own vhost of the
real broker and a free port, with in-process stores."""
import contextlib
import socket

import mongoengine
from nameko.runners import ServiceRunner


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_services(vhost_pipeline, services, admin_token, **config):
    """Start ``services``; yield the gateway's base URL; stop them and drop the stores."""
    port = free_port()
    with vhost_pipeline.get() as vhost:
        runner = ServiceRunner({"AMQP_URI": f"pyamqp://guest:guest@localhost:5672/{vhost}",
                                "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "OBSERVATORY_ADMIN_TOKEN": admin_token,
                                "MONGODB_URI": "", **config})
        for service in services:
            runner.add_service(service)
        runner.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            runner.stop()
            mongoengine.disconnect_all()
