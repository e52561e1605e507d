"""The gateway's resources given their collaborators explicitly: fakes of the
catalog and ingest proxies and of the read model show which write waits for
which change (the event it causes), and that a write causing none does not."""
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.auth import OPERATOR, PROVIDER, Principal
from gateway.changes import dataset_change, practice_change, provider_change
from gateway.resources.datasets import Datasets
from gateway.resources.practices import Practices
from gateway.resources.providers import Providers
from gateway.routes.table import Call
from observatory.contracts.catalog import entry_etag

DATASET = "0123456789abcdef"


class RecordingReads:
    """The read model as a write sees it: the changes it waits for."""

    def __init__(self):
        self.awaited, self.replaced = [], []

    def changes_announced(self):
        return 7

    def await_change(self, key, since, timeout=None):
        self.awaited.append((key, since))
        return True

    def replace(self, sources, key=None, wait=True, once=False):
        self.replaced.append(key)


class Catalog:
    def __init__(self, version, status="draft"):
        self.version = version
        self.status = status  # of the practice an edit answers with

    def update_provider(self, provider_id, changes, expected_version, by):
        return {"id": provider_id, "version": self.version}

    def declare_quote(self, provider_id, request, by):
        return {"id": "q1", "provider_id": provider_id}

    def publish_practice(self, practice_id, by):
        return {"id": practice_id, "version": 2, "status": "published"}

    def update_practice(self, practice_id, changes, expected_version, by):
        return {"id": practice_id, "version": 3, "status": self.status}


class Ingest:
    def with_deadline(self, seconds):
        return self

    def publish_dataset(self, dataset_id, by):
        return {"id": dataset_id, "status": "completed"}


def request(if_match=None):
    return Request(EnvironBuilder(headers={"If-Match": if_match} if if_match else {}).get_environ())


def call(principal, **path):
    return Call(principal, {}, {"website": "https://www.westernunion.com"}, path)


def test_an_edit_waits_for_its_provider_updated_only_when_it_changed_the_entry():
    reads, me = RecordingReads(), Principal(PROVIDER, "western-union", "c1")
    Providers(Catalog(version=4), reads).update_provider(request(entry_etag(3)), call(me, provider_id="western-union"))
    assert reads.awaited == [(provider_change("western-union"), 7)]
    unchanged = RecordingReads()
    Providers(Catalog(version=3), unchanged).update_provider(request(entry_etag(3)),
                                                             call(me, provider_id="western-union"))
    assert unchanged.awaited == []  # the catalog sends no event for an edit that changes nothing


def test_a_declared_price_waits_for_its_providers_event():
    reads, me = RecordingReads(), Principal(PROVIDER, "western-union", "c1")
    Providers(Catalog(version=4), reads).declare_quote(request(), call(me, provider_id="western-union"))
    assert reads.awaited == [(provider_change("western-union"), 7)] and reads.replaced == []


def test_an_edit_of_a_published_practice_waits_for_its_practice_updated():
    reads, operator = RecordingReads(), Principal(OPERATOR)
    Practices(Catalog(version=3, status="published"), reads, auth=None, sources=None).update_practice(
        request(entry_etag(2)), call(operator, practice_id="mobile-money-channels"))
    assert reads.awaited == [(practice_change("mobile-money-channels"), 7)] and reads.replaced == []


def test_publishing_a_practice_waits_for_practice_published_and_a_draft_edit_refreshes_nothing():
    reads, operator = RecordingReads(), Principal(OPERATOR)
    practices = Practices(Catalog(version=2), reads, auth=None, sources=None)
    practices.publish_practice(request(), call(operator, practice_id="mobile-money-channels"))
    practices.update_practice(request(entry_etag(2)), call(operator, practice_id="mobile-money-channels"))
    assert reads.awaited == [(practice_change("mobile-money-channels"), 7)] and reads.replaced == []


def test_publishing_a_dataset_waits_for_its_dataset_published():
    reads = RecordingReads()
    Datasets(Ingest(), reads).publish_dataset(request(), call(Principal(OPERATOR), dataset_id=DATASET))
    assert reads.awaited == [(dataset_change(DATASET), 7)]
