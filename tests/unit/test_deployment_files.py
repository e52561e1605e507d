"""The deployment files, checked without a Docker engine or a cluster: the
compose file against the Compose Specification's schema (check-jsonschema's
vendored copy) and for what scaling needs; the Kubernetes manifests against
the Kubernetes schemas (kubernetes-validate, offline, strict)."""
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
APP = ("ingest", "catalog", "notify", "gateway")
KUBERNETES_VERSION = "1.30.0"
OPERATOR_KINDS = {("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity")}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_the_compose_file_follows_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_a_three_node_broker_cluster_and_a_three_member_replica_set(compose):
    services = compose["services"]
    brokers = [n for n in services if n.startswith("rabbitmq")]
    members = [n for n in services if n.startswith("mongo") and n != "mongo-init"]
    assert len(brokers) == 3 and len(members) == 3
    assert all(services[m]["command"][:3] == ["mongod", "--replSet", "rs0"] for m in members)
    init = services["mongo-init"]
    assert init["restart"] == "no" and init["healthcheck"]["test"]
    assert {d: c["condition"] for d, c in init["depends_on"].items()} == {m: "service_healthy" for m in members}
    for name in (*brokers, *members):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_every_service_reaches_every_broker_and_writes_to_a_majority(compose):
    for name in APP:
        service = compose["services"][name]
        environment = service["environment"]
        assert environment["AMQP_URI"].count("pyamqp://") == 3 and environment["QUORUM_REPLICAS"] == "3"
        uri = environment["MONGODB_URI"]
        assert "replicaSet=rs0" in uri and "w=majority" in uri and "retryWrites=true" in uri
        assert service["depends_on"]["mongo-init"]["condition"] == "service_completed_successfully"
        assert service["healthcheck"]["test"]


def test_every_service_can_be_scaled_behind_one_published_port(compose):
    services = compose["services"]
    for name in APP:
        assert "container_name" not in services[name] and "ports" not in services[name], f"{name} cannot be scaled"
        command = services[name]["command"]
        assert command[:2] == ["nameko", "run"] and command[-1].split(":")[0].endswith(f"{name}.service")
    assert [p.split(":")[-1] for p in services["proxy"]["ports"]] == ["8000"]
    assert "gateway:8000" in (ROOT / "deploy" / "compose" / "nginx.conf").read_text()


def manifests():
    return [(path.name, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("name, manifest", manifests(), ids=lambda v: v if isinstance(v, str) else v.get("kind"))
def test_each_manifest_validates_against_the_kubernetes_schemas(name, manifest):
    if (manifest["apiVersion"], manifest["kind"]) in OPERATOR_KINDS:
        pytest.skip(f"{manifest['kind']}: its schema comes with its operator's CRD, not with Kubernetes")
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_each_service_has_probes_requests_an_autoscaler_and_a_disruption_budget():
    by_kind = {}
    for _, doc in manifests():
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    for name in APP:
        container, = by_kind["Deployment"][name]["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"] and container["livenessProbe"], name
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"], name
        assert by_kind["HorizontalPodAutoscaler"][name]["spec"]["scaleTargetRef"]["name"] == name
        assert by_kind["HorizontalPodAutoscaler"][name]["spec"]["maxReplicas"] > 1
        assert by_kind["PodDisruptionBudget"][name]["spec"]["selector"]["matchLabels"] == \
            by_kind["Deployment"][name]["spec"]["selector"]["matchLabels"]
    assert by_kind["Deployment"]["gateway"]["spec"]["template"]["spec"]["containers"][0]["readinessProbe"][
        "httpGet"]["path"] == "/health"
    assert by_kind["RabbitmqCluster"]["observatory-rabbitmq"]["spec"]["replicas"] == 3
    mongo = by_kind["MongoDBCommunity"]["observatory-mongo"]["spec"]
    assert mongo["members"] == 3 and mongo["type"] == "ReplicaSet"
