"""A revision of a real quarter of quotes, for the vintage tests: the real
2011Q1 rows with one corridor's transparent quotes removed (its average is no
longer published) and one transparent quote of another removed (its average
moves); and the averages computed here from a file's rows."""
import csv
import io
from collections import defaultdict

from tests.ingest_files import quarter_of_quotes


def averages(header, rows, column="cc1.total.cost.."):
    """{(source, destination): mean of the transparent quotes' total cost} and the mean over all of them."""
    s, d, t, c = (header.index(n) for n in ("source", "destination", "transparent", column))
    by_corridor, every = defaultdict(list), []
    for row in rows:
        if row[t] == "yes" and row[c] not in ("", "NA"):
            by_corridor[(row[s], row[d])].append(float(row[c]))
            every.append(float(row[c]))
    return {k: sum(v) / len(v) for k, v in by_corridor.items()}, sum(every) / len(every)


TOTAL_COSTS = {"USD200": "cc1.total.cost..", "USD500": "cc2.total.cost.."}


def total_costs(header, rows, corridors):
    """{(source, destination): sorted [(firm, amount, total cost %)]} of these corridors' quotes, as the file
    has them (the RPW_PRICES TOTAL_COST figures a vintage of the file has)."""
    s, d, firm = (header.index(n) for n in ("source", "destination", "firm"))
    found = {c: [] for c in corridors}
    for row in rows:
        if (row[s], row[d]) in found:
            found[(row[s], row[d])] += [(row[firm].strip(), amount, float(row[header.index(column)]))
                                        for amount, column in TOTAL_COSTS.items()
                                        if row[header.index(column)] not in ("", "NA")]
    return {c: sorted(v) for c, v in found.items()}


def quarter_and_revision(period="2011_1Q"):
    """{"header", "first", "revised", "emptied", "moved"}: the quarter's rows, the revision's, and the two
    corridors it changes."""
    rows = list(csv.reader(io.StringIO(quarter_of_quotes(period).decode())))
    header, rows = rows[0], rows[1:]
    s, d, t = (header.index(n) for n in ("source", "destination", "transparent"))
    kinds, transparent = defaultdict(set), defaultdict(int)
    for row in rows:
        kinds[(row[s], row[d])].add(row[t])
        transparent[(row[s], row[d])] += row[t] == "yes"
    emptied = sorted(k for k, v in kinds.items() if v == {"yes", "no"})[0]
    moved = sorted(k for k, n in transparent.items() if n >= 4 and k != emptied)[0]
    dropped = next(i for i, r in enumerate(rows) if (r[s], r[d]) == moved and r[t] == "yes")
    revised = [r for i, r in enumerate(rows) if i != dropped and not ((r[s], r[d]) == emptied and r[t] == "yes")]
    return {"header": header, "first": rows, "revised": revised, "emptied": emptied, "moved": moved}


def quote_counts(header, rows):
    """{(source, destination): (quotes, non-transparent quotes, negative FX margins)} counted from a file's rows."""
    s, d, t, fx = (header.index(n) for n in ("source", "destination", "transparent", "cc1.fx.margin"))
    counts = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        mine = counts[(row[s], row[d])]
        mine[0] += 1
        mine[1] += row[t] != "yes"
        mine[2] += row[fx] not in ("", "NA") and float(row[fx]) < 0
    return {k: tuple(v) for k, v in counts.items()}


SERIES_ORDER = ("observed", "official", "derived")


def newest_by_country(figures, members):
    """{iso3: (period, series, value, corridors)}: per receiving country in ``members``, the mean of its
    corridors' figures in each (period, series), the newest period taken, observed before official;
    ``figures``: {(source, destination, period, series): value}."""
    grouped = defaultdict(list)
    for (source, destination, period, series), value in figures.items():
        if destination in members:
            grouped[(destination, period, series)].append(value)
    newest = {}
    for (iso3, period, series), values in grouped.items():
        mine = (period, -SERIES_ORDER.index(series))
        if iso3 not in newest or mine > (newest[iso3][0], -SERIES_ORDER.index(newest[iso3][1])):
            newest[iso3] = (period, series, sum(values) / len(values), len(values))
    return newest


def one_pair_mean(newest):
    """(period, series, mean, rows) over the rows sharing the (period, series) most rows have (ties: newer)."""
    pairs = defaultdict(list)
    for period, series, value, *_ in newest.values():
        pairs[(period, series)].append(value)
    (period, series), values = max(pairs.items(), key=lambda kv: (len(kv[1]), kv[0][0], -SERIES_ORDER.index(kv[0][1])))
    return period, series, sum(values) / len(values), len(values)
