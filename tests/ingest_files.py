"""Files for the ingest tests, all made from the real files in ../shared/data:
the RPW quotes under their other published header spellings and as XLSX
workbooks (mechanical transformations of real rows, never invented ones)."""
import csv
import io
import itertools

import openpyxl

from tests.conftest import SHARED_DATA

RPW_QUOTES = SHARED_DATA / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"
DATABANK = SHARED_DATA / "rpw" / "rpw_corridor_avg_total_cost_databank_2011q1_2020q3.csv"
DERIVED = SHARED_DATA / "rpw" / "rpw_corridor_quarter_means_derived_2016q2_2023q4.csv"
FLOWS = SHARED_DATA / "flows"
WDI_INFLOWS = SHARED_DATA / "wdi" / "wdi_BX.TRF.PWKR.CD.DT_remittances_received_usd.csv"

# R's make.names undone: the names as the World Bank wrote them (2011-2016 files).
ORIGINAL_NAMES = {"sending.location": "sending location", "speed.actual": "speed actual",
                  "cc1.total.cost..": "cc1 total cost %", "cc2.total.cost..": "cc2 total cost %",
                  "inter.lcu.bank.fx": "inter lcu bank fx", "pick.up.method": "pick-up method"}

# The 42-column layout published since 2016 (column order as in the World Bank workbook).
POST_2016_HEADER = (
    "id,period,source_code,source_name,source_region,source_income,source_lending,source_G8G20,"
    "destination_code,destination_name,destination_region,destination_income,destination_lending,"
    "destination_G8G20,firm,firm_type,payment instrument,access point,speed actual,"
    "cc1 lcu amount,cc1 denomination amount,cc1 lcu code,cc1 lcu fee,cc1 lcu fx rate,cc1 fx margin,"
    "cc1 total cost %,cc2 lcu amount,cc2 denomination amount,cc2 lcu code,cc2 lcu fee,cc2 lcu fx rate,"
    "cc2 fx margin,cc2 total cost %,inter lcu bank fx,transparent,Standard Note,note2,"
    "receiving network coverage,pickup location,pickup method,date,corridor").split(",")


def real_rows(limit=None):
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(itertools.islice(reader, limit))
    return header, rows


def quarter_of_quotes(period):
    """The real quotes of one survey round (``2011_1Q``), as a CSV file's bytes."""
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    column = lines[0].rstrip("\n").split(",").index("period")
    return (lines[0] + "".join(line for line in lines[1:] if line.split(",")[column] == period)).encode()


def as_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def original_names_csv(limit=None):
    header, rows = real_rows(limit)
    return as_csv([ORIGINAL_NAMES.get(h, h.replace(".", " ")) for h in header], rows)


def post_2016_rows(header, rows):
    """Real rows laid out in the 42-column layout (names and regions left empty)."""
    index = {h: i for i, h in enumerate(header)}
    take = {"id": "id", "period": "period", "source_code": "source", "destination_code": "destination",
            "firm": "firm", "firm_type": "firm_type", "payment instrument": "product",
            "access point": "sending.location", "speed actual": "speed.actual",
            "inter lcu bank fx": "inter.lcu.bank.fx", "transparent": "transparent", "Standard Note": "note1",
            "note2": "note2", "receiving network coverage": "coverage", "pickup method": "pick.up.method",
            "date": "date"}
    for cc in ("cc1", "cc2"):
        for name in ("lcu amount", "denomination amount", "lcu code", "lcu fee", "lcu fx rate", "fx margin"):
            take[f"{cc} {name}"] = f"{cc}.{name.replace(' ', '.')}"
        take[f"{cc} total cost %"] = f"{cc}.total.cost.."
    out = []
    for row in rows:
        values = [row[index[take[h]]] if h in take else "" for h in POST_2016_HEADER]
        values[-1] = row[index["source"]] + row[index["destination"]]  # corridor
        out.append(values)
    return out


def workbook_bytes(sheets):
    """An XLSX with ``sheets`` = [(title, [rows])]; numbers written as numbers."""
    workbook = openpyxl.Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([_typed(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _typed(value):
    if isinstance(value, str):
        try:
            return float(value) if value.strip() not in ("",) else None
        except ValueError:
            return value
    return value


def official_corridor_quarters(first="2011Q1", last="2014Q1"):
    """{(source, destination, period): the World Bank's published average} from the Databank file."""
    expected = {}
    with open(DATABANK, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            for column, value in row.items():
                period = (column or "").split(" [")[0]
                if period[:4].isdigit() and first <= period <= last and value not in ("..", "", None):
                    expected[(row["Sending Countries Code"], row["Receiving Countries  Code"], period)] = float(value)
    return expected


def corridor_quarters_off_the_official_series(base, expected, tolerance=0.01):
    """The corridor-quarters whose computed average (GET .../history) is not the official one within
    ``tolerance``, or whose official figure is not shown beside it; and how many were checked."""
    import requests

    wrong, checked = [], 0
    for source, destination in sorted({(s, d) for s, d, _ in expected}):
        history = requests.get(f"{base}/api/v1/corridors/{source}/{destination}/history", timeout=30)
        assert history.status_code == 200, history.text
        by_period = {item["period"]: item for item in history.json()["items"]}
        for period in sorted(p for s, d, p in expected if (s, d) == (source, destination)):
            value, shown = expected[(source, destination, period)], by_period.get(period, {})
            computed = shown.get("average_total_cost_pct")
            if computed is None or abs(computed - value) > tolerance or shown.get("official_average_pct") != value:
                wrong.append((source, destination, period, computed, value))
            checked += 1
    return wrong, checked
