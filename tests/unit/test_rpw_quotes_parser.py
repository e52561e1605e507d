"""rpw-quotes on the real RPW file and on its other published layouts."""
import csv
import io

import pytest

from services.ingest.exceptions import UnreadableFile
from services.ingest.parsers.rpw_quotes import parse_rpw_quotes
from services.ingest.schemas import normalise_period
from tests.ingest_files import (POST_2016_HEADER, RPW_QUOTES, as_csv, original_names_csv, post_2016_rows,
                                real_rows, workbook_bytes)


def parse(data):
    return list(parse_rpw_quotes(io.BytesIO(data)))


@pytest.fixture(scope="module")
def real_file_rows():
    with open(RPW_QUOTES, "rb") as f:
        return list(parse_rpw_quotes(f))


def test_the_real_file_parses_completely(real_file_rows):
    assert len(real_file_rows) == 25_516
    assert not [r for r in real_file_rows if r.errors]
    periods = {r.record["period"] for r in real_file_rows}
    assert periods == {"2011Q1", "2011Q3", "2012Q1", "2012Q3", "2013Q1", "2013Q2", "2013Q3", "2013Q4", "2014Q1"}
    transparent = [r.record["transparent"] for r in real_file_rows]
    assert transparent.count(True) == 23_053 and transparent.count(False) == 2_463
    corridors = {(r.record["source"], r.record["destination"]) for r in real_file_rows}
    assert len(corridors) == 235
    assert len({r.record["firm"] for r in real_file_rows}) == 504


def test_the_first_row_is_read_as_published(real_file_rows):
    first = real_file_rows[0]
    assert first.row == 2  # the header is line 1
    record = first.record
    assert (record["period"], record["source"], record["destination"], record["firm"]) == (
        "2011Q1", "ARE", "EGY", "Al Fardan Exchange")
    assert record["cc1_total_cost"] == 2.67 and record["cc1_fx_margin"] == 0.63
    assert record["cc1_fee_pct"] == pytest.approx(15 / 735 * 100)  # fee 15 AED on 735 AED
    assert record["speed"] == "2 days" and record["within_5_days"] is True


def test_text_with_non_ascii_names_survives(real_file_rows):
    assert any("Envíos" in r.record["firm"] for r in real_file_rows)


@pytest.mark.parametrize("make", [
    lambda: original_names_csv(),
    lambda: as_csv(POST_2016_HEADER, post_2016_rows(*real_rows())),
], ids=["original-names", "post-2016-42-columns"])
def test_every_header_variant_gives_the_same_records(real_file_rows, make):
    variant = parse(make())
    assert len(variant) == len(real_file_rows)
    assert not [r for r in variant if r.errors]
    for mine, theirs in zip(variant[:3000:7], real_file_rows[:3000:7]):
        for field in ("period", "source", "destination", "firm", "cc1_total_cost", "cc2_total_cost", "transparent",
                      "speed", "cc1_fx_margin", "within_5_days"):
            assert mine.record[field] == theirs.record[field], field


def test_a_cp1252_file_is_read(real_file_rows):
    header, rows = real_rows(3000)
    data = as_csv(header, rows).decode("utf-8").encode("cp1252", errors="replace")
    parsed = parse(data)
    assert len(parsed) == 3000 and not [r for r in parsed if r.errors]


def test_xlsx_workbook_with_both_layouts_and_extra_sheets():
    header, rows = real_rows(1200)
    legacy, recent = rows[:600], rows[600:]
    data = workbook_bytes([
        ("Terms of Use", [["The World Bank, Remittance Prices Worldwide"], ["Terms apply"]]),
        ("Dataset (up to Q1 2016)", [["Remittance Prices Worldwide"], [], header, *legacy]),
        ("Dataset (from Q2 2016)", [POST_2016_HEADER + [None, None],
                                    *[r + ["2025", "XX2025"] for r in post_2016_rows(header, recent)]]),
    ])
    parsed = parse(data)
    assert len(parsed) == 1200 and not [r for r in parsed if r.errors]
    assert {r.sheet for r in parsed} == {"Dataset (up to Q1 2016)", "Dataset (from Q2 2016)"}
    assert parsed[0].row == 4  # after the title row and a blank row
    assert parsed[0].record["firm"] == rows[0][header.index("firm")]


def test_a_corrupted_row_is_reported_and_the_rest_kept():
    header, rows = real_rows(500)
    rows[99][header.index("cc1.total.cost..")] = "abc"
    rows[199][header.index("destination")] = "XXX"
    rows[299][header.index("period")] = "2013-13"
    parsed = parse(as_csv(header, rows))
    rejected = {r.row: r.errors for r in parsed if r.errors}
    assert sorted(rejected) == [101, 201, 301]  # line numbers: header is line 1
    assert rejected[101] == [{"row": 101, "field": "cc1.total.cost..", "message": "not a number: 'abc'"}]
    assert rejected[201][0]["field"] == "destination" and "XXX" in rejected[201][0]["message"]
    assert rejected[301][0]["field"] == "period"
    assert len([r for r in parsed if r.record]) == 497


def test_text_typed_numbers_and_missing_markers():
    header, rows = real_rows(4)
    total = header.index("cc1.total.cost..")
    rows[0][total], rows[1][total] = '2.67 %', "1,234.5"
    rows[2][header.index("cc2.total.cost..")] = ".."
    rows[3][header.index("cc2.total.cost..")] = "Not available"
    parsed = parse(as_csv(header, rows))
    assert [p.record["cc1_total_cost"] for p in parsed[:2]] == [2.67, 1234.5]
    assert parsed[2].record["cc2_total_cost"] is None and parsed[3].record["cc2_total_cost"] is None


def test_files_that_cannot_be_read_fail_with_a_reason():
    header, rows = real_rows(3000)
    workbook = workbook_bytes([("Dataset", [header, *rows])])
    with pytest.raises(UnreadableFile, match="XLSX"):
        parse(workbook[: len(workbook) // 2])  # truncated
    with pytest.raises(UnreadableFile, match="header"):
        parse(b"name,value\nfoo,1\n")
    with pytest.raises(UnreadableFile, match="xls"):
        parse(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(UnreadableFile, match="no sheet"):
        parse(workbook_bytes([("Legend", [["field", "meaning"]])]))


@pytest.mark.parametrize("given,expected", [
    ("2014_2Q", "2014Q2"), ("2014Q2", "2014Q2"), ("2014 Q2", "2014Q2"), ("Q2 2014", "2014Q2"),
    ("2011_1Q", "2011Q1"), ("2014_5Q", None), ("2014", None), ("", None),
])
def test_periods(given, expected):
    assert normalise_period(given) == expected


def test_the_csv_module_agrees_on_the_row_count():
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 25_516


def _real_lines(count):
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        return [next(f).rstrip("\n") for _ in range(count)]


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_lines_ending_in_cr_or_crlf_read_as_lines_ending_in_lf(line_end):
    lines = _real_lines(6)
    expected = [r.record for r in parse(("\n".join(lines) + "\n").encode())]
    assert len(expected) == 5
    assert [r.record for r in parse((line_end.join(lines) + line_end).encode())] == expected


@pytest.mark.parametrize("line_end", ["\u0085", "\x0b", "\x0c", "\u2028", "\u2029"])
def test_a_file_whose_lines_end_in_another_unicode_break_is_unreadable_not_empty(line_end):
    """Read by csv as one long header line, it once imported as zero rows without a word."""
    lines = _real_lines(6)
    with pytest.raises(UnreadableFile, match="Unicode line break"):
        parse((line_end.join(lines) + line_end).encode())


def test_a_unicode_break_inside_a_cell_is_read_as_a_space():
    header, row = _real_lines(2)
    firm = next(csv.reader([row]))[4]
    altered = row.replace(firm, firm.replace(" ", "\u2028", 1), 1)
    assert altered != row
    [parsed] = parse(f"{header}\n{altered}\n".encode())
    assert parsed.record["firm"] == firm
