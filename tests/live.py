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
    """Start ``services`` on a vhost of their own; yield the gateway's base
    URL; stop them and drop the stores."""
    with vhost_pipeline.get() as vhost:
        with services_on(f"pyamqp://guest:guest@localhost:5672/{vhost}", services, admin_token, **config) as url:
            yield url


@contextlib.contextmanager
def services_on(amqp_uri, services, admin_token, **config):
    """Start ``services`` on the broker(s) ``amqp_uri`` names; yield the gateway's base URL."""
    with running(amqp_uri, services, admin_token, **config) as (url, _):
        yield url


@contextlib.contextmanager
def running(amqp_uri, services, admin_token, **config):
    """``services_on``, yielding (the gateway's base URL, the runner): for a
    test that looks at a container's dependency (``dependency_of``)."""
    port = free_port()
    runner = ServiceRunner({"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                            "OBSERVATORY_ADMIN_TOKEN": admin_token, "MONGODB_URI": "", **config})
    for service in services:
        runner.add_service(service)
    runner.start()
    try:
        yield f"http://127.0.0.1:{port}", runner
    finally:
        runner.stop()
        mongoengine.disconnect_all()


def dependency_of(runner, service_name, provider_cls):
    """The dependency provider of class ``provider_cls`` in the running ``service_name``."""
    container = next(c for c in runner.containers if c.service_name == service_name)
    return next(d for d in container.dependencies if isinstance(d, provider_cls))


def import_datasets(base, token, files, timeout=120):
    """Upload each (path, kind) and wait until it is completed."""
    import requests

    from tests.conftest import wait_for

    auth = {"Authorization": f"Bearer {token}"}
    for path, kind in files:
        answer = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=path.read_bytes(),
                               headers=auth, timeout=120)
        assert answer.status_code in (200, 202), answer.text
        dataset_id = answer.json()["id"]
        wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=30)
                 .json()["status"] == "completed", timeout=timeout, interval=0.5, what=f"{kind} {path.name}")


@contextlib.contextmanager
def published_platform(vhost_pipeline, admin_token):
    """Gateway, ingest and catalog with the real quotes, the World Bank's
    official series and WDI inflows published; yields the base URL."""
    from gateway.service import GatewayService
    from services.catalog.service import CatalogService
    from services.ingest.service import IngestService
    from tests.ingest_files import DATABANK, RPW_QUOTES, WDI_INFLOWS

    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), admin_token,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        import_datasets(url, admin_token, [(RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages"),
                                           (WDI_INFLOWS, "country-flows")])
        yield url
