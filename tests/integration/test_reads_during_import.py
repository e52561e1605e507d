"""Published reads while a quarter of real quotes is imported (DESIGN §6):
ten clients read every kind of published answer (corridor, history, list,
indicators, country, exports, pages) and get nothing but 200, the views are
replaced whole once the release is in, and the import's hundreds of provider
events are one release of the read model, not one each."""
import collections

import eventlet
import pytest
import requests
from nameko.events import event_handler

from gateway.readmodel import ReadModel
from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import quarter_of_quotes
from tests.live import dependency_of, import_datasets, running

pytestmark = [pytest.mark.broker]
ADMIN = "obs_reads-during-import-admin-token-0123456789abcdefgh"
READERS = 10
READS = ["/api/v1/corridors/ARE/NPL", "/api/v1/corridors/ARE/NPL?period=2011Q1", "/api/v1/corridors/GBR/NPL/history",
         "/api/v1/corridors?period=2011Q1", "/api/v1/indicators", "/api/v1/countries/NPL",
         "/api/v1/exports/corridors.csv", "/api/v1/exports/indicators.sdmx.csv", "/countries/NPL", "/corridors/ARE/NPL"]


class CatalogNews:
    """What the catalog tells the platform while the import's firms are applied."""

    name = "catalog_news"
    seen = collections.defaultdict(list)

    @event_handler("catalog", "provider.registered")
    def registered(self, payload):
        self.seen["provider"].append(payload)

    @event_handler("catalog", "provider.updated")
    def updated(self, payload):
        self.seen["provider"].append(payload)

    @event_handler("catalog", "providers.changed")
    def changed(self, payload):
        self.seen["providers.changed"].append(payload["data"]["dataset_id"])


def read_until(base, stop, answers, offset):
    """One client: every published read in turn, until ``stop``."""
    with requests.Session() as session:
        n = offset
        while not stop.ready():
            path = READS[n % len(READS)]
            answers.append((path, session.get(base + path, timeout=30).status_code))
            n += 1


def test_ten_readers_during_an_import_get_only_200_and_its_firms_are_one_release(vhost_pipeline, tmp_path):
    first, second = tmp_path / "rpw_2011q1.csv", tmp_path / "rpw_2011q3.csv"
    first.write_bytes(quarter_of_quotes("2011_1Q"))
    second.write_bytes(quarter_of_quotes("2011_3Q"))
    CatalogNews.seen.clear()
    services = (GatewayService, IngestService, CatalogService, CatalogNews)
    with vhost_pipeline.get() as vhost, \
            running(f"pyamqp://guest:guest@localhost:5672/{vhost}", services, ADMIN,
                    RATE_LIMIT_ANONYMOUS="off", RATE_LIMIT_TOKEN="off") as (base, runner):
        import_datasets(base, ADMIN, [(first, "rpw-quotes")])
        wait_for(lambda: CatalogNews.seen["providers.changed"], timeout=60, what="the catalog to apply 2011Q1's firms")
        reads = dependency_of(runner, "gateway", ReadModel).reads
        wait_for(lambda: not reads.behind(), timeout=30, what="the read model to take the catalog's change")
        for path in READS:  # the views of the published release
            assert requests.get(base + path, timeout=30).status_code == 200, path
        releases, CatalogNews.seen["provider"] = reads.releases, []

        stop, answers = eventlet.event.Event(), []
        readers = [eventlet.spawn(read_until, base, stop, answers, n) for n in range(READERS)]
        import_datasets(base, ADMIN, [(second, "rpw-quotes")])
        wait_for(lambda: len(CatalogNews.seen["providers.changed"]) == 2, timeout=60,
                 what="the catalog to apply 2011Q3's firms")
        wait_for(lambda: not reads.behind(), timeout=30, what="the read model to take the release")
        during = len(answers)
        eventlet.sleep(0.5)
        stop.send(True)
        for reader in readers:
            reader.wait()

        failed = [(path, status) for path, status in answers if status != 200]
        assert failed == [] and during >= 10 * len(READS), (len(answers), failed[:10])
        indicators = requests.get(f"{base}/api/v1/indicators", timeout=30).json()
        assert indicators["available_periods"] == ["2011Q1", "2011Q3"]  # the new views are served
        provider_events = len(CatalogNews.seen["provider"])
        print(f"\n{len(answers)} reads during the import, all 200; {provider_events} provider events, "
              f"{reads.releases - releases} release(s) of the read model")
        assert provider_events > 100  # what used to empty the read model one by one
        assert 1 <= reads.releases - releases <= 2  # the dataset's release and its firms' one change
