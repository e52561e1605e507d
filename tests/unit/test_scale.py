"""`make run SCALE="notify=2 ingest=2"`: how many processes of each service."""
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import run_platform  # noqa: E402
import supervision  # noqa: E402


def test_scale_names_known_services_with_counts():
    assert supervision.parse_scale("notify=2 ingest=3") == {"notify": 2, "ingest": 3}
    assert supervision.parse_scale("") == {}
    for wrong in ("mailer=2", "notify=0", "notify=two", "notify"):
        with pytest.raises(ValueError, match="SCALE takes service=count"):
            supervision.parse_scale(wrong)


def test_only_the_gateway_is_several_on_the_in_process_store():
    with pytest.raises(SystemExit, match="notify cannot have more than one instance on the in-process store"):
        run_platform.scale_from_environment({"SCALE": "notify=2", "OBSERVATORY_PORT": "8000"})
    assert run_platform.scale_from_environment({"SCALE": "gateway=2", "OBSERVATORY_PORT": "8000"}) == {"gateway": 2}
    assert run_platform.scale_from_environment({"SCALE": "notify=2 ingest=2", "MONGODB_URI": "mongodb://db",
                                                "OBSERVATORY_PORT": "8000"}) == {"notify": 2, "ingest": 2}


def test_several_processes_of_a_service_are_one_supervisord_program_with_numprocs(tmp_path):
    platform = supervision.Platform({"OBSERVATORY_PORT": "8000"}, tmp_path / "logs", scale={"gateway": 3})
    platform._write_config()
    config = platform.config.read_text()
    gateway = config[config.index("[program:gateway]"):]
    assert "numprocs=3" in gateway and "process_name=%(program_name)s-%(process_num)d" in gateway
    assert "numprocs" not in config[config.index("[program:ingest]"):config.index("[program:catalog]")]
