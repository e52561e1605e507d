"""Every error class keeps its meaning across RPC: raised inside a service, it
reaches the gateway as itself and the gateway's one mapping gives its status."""
import importlib
import pkgutil

import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

import gateway
import observatory
import services
from gateway.exceptions import describe_error
from observatory.errors import EXPECTED, ObservatoryError

pytestmark = pytest.mark.broker


def _import_everything():
    for package in (observatory, services, gateway):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)


def error_classes():
    _import_everything()
    found, stack = [], [ObservatoryError]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return {cls.__name__: cls for cls in found}


class Raiser:
    name = "raiser"

    @rpc(expected_exceptions=EXPECTED)
    def raise_error(self, name):
        raise error_classes()[name](f"a {name} from inside a service", {"raised_by": "raiser"})


def test_every_error_class_raised_in_a_service_gives_its_status_at_the_gateway(runner_factory, rabbit_config):
    classes = error_classes()
    assert {"NotFound", "Conflict", "InvalidInput", "ServiceUnavailable", "UnreadableFile", "LimitExceeded",
            "PublicationConflict", "Forbidden", "PayloadTooLarge"} <= set(classes)
    runner_factory(rabbit_config, Raiser).start()
    with ClusterRpcProxy(rabbit_config) as cluster:
        for name, cls in sorted(classes.items()):
            with pytest.raises(ObservatoryError) as raised:
                cluster.raiser.raise_error(name)
            assert type(raised.value) is cls, name  # itself, not a RemoteError or its base
            status, body = describe_error(raised.value)
            # 501 is an answer (a part of the SDMX API or a vintage not served), not a failure
            expected = cls.status if cls.status < 500 or cls.status == 501 \
                or issubclass(cls, observatory.errors.ServiceUnavailable) else 500
            assert status == expected, name
            if status != 500:
                assert body["error"] == cls.code and body["details"] == {"raised_by": "raiser"}, name


def test_the_gateway_process_alone_knows_every_error_class_a_service_can_raise():
    """In ``make run`` each service is its own process: an error class the
    gateway's process never imported would arrive as a RemoteError (a 500)."""
    import json
    import subprocess
    import sys

    from nameko.exceptions import get_module_path

    code = ("import json, gateway.service; from nameko.exceptions import registry; "
            "print(json.dumps(sorted(registry)))")
    known = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                          cwd=gateway.__path__[0] + "/..").stdout.splitlines()[-1]))
    missing = {get_module_path(cls) for cls in error_classes().values()} - known
    assert not missing, f"defined outside observatory.errors, unknown to the gateway: {sorted(missing)}"
