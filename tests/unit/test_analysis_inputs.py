"""The analysis inputs kept per release (gateway.analysis_inputs), on the
real files' corridor figures: a new release is fetched as its changes since
the one held and merged into the same figures a full fetch gives; a release
held is not fetched again; asOf an earlier release answers its own."""
from collections import Counter

from gateway.analysis_inputs import InputsByRelease
from tests.unit.analysis_files import corridor_series, flow_records

R1 = {"id": "dataset-r1", "published_at": "2026-01-01T00:00:00.000Z"}
R2 = {"id": "dataset-r2", "published_at": "2026-02-01T00:00:00.000Z"}
PROVIDERS = {"receiving": {}, "sending": {}}


def release_rows(release):
    """R1 has the observed and derived series; R2 publishes the official series too."""
    return [f for f in corridor_series() if release is R2 or f["series"] != "official"]


class Ingest:
    """Answers as ingest's ``vintage_at`` and ``analysis_inputs`` do, of two releases."""

    def __init__(self):
        self.current, self.asked = R1, []

    def vintage_at(self, as_of=None):
        return R1 if as_of == R1["published_at"] else self.current

    def analysis_inputs(self, as_of=None, since=None):
        release = R1 if as_of == R1["published_at"] else self.current
        self.asked.append((release["id"], since))
        if since == R1["id"] and release is R2:
            official = sorted({f["period"] for f in corridor_series() if f["series"] == "official"})
            return {"vintage": R2, "complete": False, "since": since, "observed_periods": [],
                    "series_periods": official, "flows": None, "providers": None,
                    "figures": [f for f in release_rows(R2) if f["series"] != "observed" and f["period"] in official]}
        return {"vintage": release, "complete": True, "since": None, "figures": release_rows(release),
                "flows": flow_records(), "providers": PROVIDERS}


def as_counter(figures):
    return Counter((f["source"], f["destination"], f["period"], f["series"], f["value"]) for f in figures)


def test_a_new_release_is_fetched_as_its_changes_and_merged_into_the_full_figures():
    ingest, kept = Ingest(), InputsByRelease()
    first = kept.get(ingest)
    assert kept.get(ingest) is first and ingest.asked == [(R1["id"], None)]  # held: not fetched again
    ingest.current = R2
    second = kept.get(ingest)
    assert ingest.asked[-1] == (R2["id"], R1["id"])  # only what changed since the release held
    assert as_counter(second.figures) == as_counter(release_rows(R2))
    assert second.flows is first.flows and second.vintage == R2
    assert {f["series"] for f in kept.get(ingest, R1["published_at"]).figures} == {"observed", "derived"}
    assert len(ingest.asked) == 2  # R1 is still held for the asOf read


def test_figures_of_a_country_are_the_rows_touching_it_and_derived_figures_are_computed_once():
    inputs = InputsByRelease().get(Ingest())
    expected = [f for f in inputs.figures if "NPL" in (f["source"], f["destination"])]
    assert as_counter(inputs.figures_of(["NPL"])) == as_counter(expected) and expected
    assert inputs.newest_costs("receiving") is inputs.newest_costs("receiving")
    assert inputs.newest_costs("receiving")["NPL"]["series"] == "derived"
