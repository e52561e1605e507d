"""The plain parts of asOf and quality flags on the exports and the LDC lens
(issues 19 §3, 20 §2), without nameko: the quote counts of the real 2011Q1
quotes summed per country and written as columns, and the ingest proxy that
binds one vintage to every read that takes one."""
import csv
import datetime as dt
import io

from gateway.exports import LDC_COLUMNS, QUALITY_COLUMNS, corridors_csv, indicators_csv
from gateway.ldc import ldc_lens
from gateway.ldc_newest import observed_periods, with_quote_counts
from gateway.ingest_as_of import AS_OF_READS, ingest_at
from tests.vintage_files import quarter_and_revision, quote_counts

TODAY = dt.date(2026, 12, 2)


def real_counts():
    """The file's counts as ingest's ``corridor_quote_counts`` items, and the counts themselves."""
    files = quarter_and_revision()
    counts = quote_counts(files["header"], files["first"])
    items = [{"source": s, "destination": d, "quotes": q, "quotes_non_transparent": n, "negative_fx_margins": f}
             for (s, d), (q, n, f) in sorted(counts.items())]
    return items, counts


def test_an_observed_row_sums_the_quotes_into_its_country_and_others_have_none():
    items, counts = real_counts()
    destination = max({d for _, d in counts}, key=lambda d: sum(c[1] for (_, dd), c in counts.items() if dd == d))
    rows = [{"iso3": destination, "period": "2011Q1", "series": "observed"},
            {"iso3": destination, "period": "2020Q3", "series": "official"},
            {"iso3": "ZZZ", "period": "2011Q1", "series": "observed"}]
    counted = with_quote_counts(rows, {"2011Q1": items})
    into = [c for (_, d), c in counts.items() if d == destination]
    assert (counted[0]["quotes"], counted[0]["quotes_non_transparent"], counted[0]["negative_fx_margins"]) == \
        tuple(sum(c[i] for c in into) for i in range(3))
    assert counted[0]["quotes_non_transparent"] > 0
    assert counted[1]["quotes"] is None and counted[2]["quotes"] is None  # official: no quotes; none surveyed


def test_the_lens_averages_one_period_and_series_only_and_its_export_says_each_rows():
    profiles = [{"country": {"iso3": iso3, "name": iso3}, "series": {}} for iso3 in ("AAA", "BBB", "CCC", "DDD")]
    newest = {"AAA": {"value": 6.0, "period": "2020Q3", "series": "official", "corridors": 2},
              "BBB": {"value": 4.0, "period": "2020Q3", "series": "official", "corridors": 1},
              "CCC": {"value": 9.0, "period": "2011Q1", "series": "observed", "corridors": 1}}
    lens = ldc_lens(profiles, newest)
    assert (lens["aggregate"]["value"], lens["aggregate"]["period"], lens["aggregate"]["series"]) == \
        (5.0, "2020Q3", "official")
    assert lens["aggregate"]["rows_used"] == 2 and lens["aggregate"]["coverage"] == 0.5
    assert lens["other_vintages"] == [{"period": "2011Q1", "series": "observed", "rows": 1}]
    assert {r["iso3"]: (r["period"], r["series"]) for r in lens["rows"]} == {
        "AAA": ("2020Q3", "official"), "BBB": ("2020Q3", "official"), "CCC": ("2011Q1", "observed"),
        "DDD": (None, None)}
    assert observed_periods(newest) == ["2011Q1"]
    assert {"series", "period", "age_days", "quotes", "quotes_non_transparent"} <= set(LDC_COLUMNS)


def test_corridor_and_indicator_exports_write_the_counts_and_the_age():
    items, counts = real_counts()
    (source, destination), (quotes, non_transparent, negative) = max(counts.items(), key=lambda kv: kv[1][1])
    corridor = {"source": source, "destination": destination, "period": "2011Q1", "average_source": "observed",
                "average_total_cost_pct": 5.5, "official_average_pct": 5.0, "derived_average_pct": None,
                "quotes_transparent": quotes - non_transparent}
    mine = {"quotes": quotes, "quotes_non_transparent": non_transparent, "negative_fx_margins": negative}
    table = list(csv.DictReader(io.StringIO(corridors_csv([corridor], {(source, destination): mine}, TODAY).decode())))
    observed, official = table
    assert (int(observed["quotes"]), int(observed["quotes_non_transparent"]), int(observed["negative_fx_margins"])) \
        == (quotes, non_transparent, negative)
    assert observed["period_end"] == "2011-03-31" and int(observed["age_days"]) == (TODAY - dt.date(2011, 3, 31)).days
    assert official["series"] == "official" and official["quotes"] == "" and official["age_days"] == observed["age_days"]

    quarter = {"period": "2011Q1", "global_average_pct": 7.0, "weight_year": 2010, "quotes_transparent": 1,
               "corridors": 1}
    row = next(csv.DictReader(io.StringIO(indicators_csv([quarter], {"2011Q1": items}, TODAY).decode())))
    assert [int(row[c]) for c in QUALITY_COLUMNS[:3]] == [sum(c[i] for c in counts.values()) for i in range(3)]
    assert row["weight_year"] == "2010"


class Recorder:
    """An ingest proxy that answers what it was asked."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: (name, args, kwargs)


def test_the_vintage_proxy_binds_as_of_to_the_reads_that_take_it_only():
    at = "2026-12-02T13:55:01.123Z"
    bound = ingest_at(Recorder(), at)
    assert bound.list_corridors(period="2011Q1") == ("list_corridors", (), {"period": "2011Q1", "as_of": at})
    assert all(getattr(bound, name)()[2] == {"as_of": at} for name in AS_OF_READS)
    assert bound.vintage_at(None) == ("vintage_at", (None,), {})  # not a read of figures
    plain = Recorder()
    assert ingest_at(plain, None) is plain
