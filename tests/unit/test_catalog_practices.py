"""The practice library without a broker: the shipped entries, the word
index and ranking, drafts, If-Match, CSV import."""
import csv
import json

import pytest

from observatory.contracts.catalog import PracticeImportSchema
from observatory.errors import InvalidInput, PreconditionFailed, validated
from services.catalog import practices
from tests.unit.catalog_common import empty_catalog_store


@pytest.fixture
def store():
    return empty_catalog_store("practices")


def test_the_shipped_library_is_valid_sourced_and_seeded_once(store):
    entries = json.loads(practices.SEED_FILE.read_text())
    PracticeImportSchema().load({"items": entries})  # raises on anything the API would refuse
    assert len(entries) >= 15 and all(e["source"]["title"] and e["source"].get("publisher") for e in entries)
    first = practices.seed(store)
    assert len(first["created"]) == len(entries)
    assert practices.seed(store) == {"created": [], "unchanged": first["created"]}


def test_a_title_match_ranks_above_a_summary_match_above_a_body_match(store):
    base = {"source": {"title": "test"}, "status": "published", "countries": [], "themes": []}
    for entry in ({"id": "in-body", "title": "Alpha", "summary": "One", "body": "agent exclusivity"},
                  {"id": "in-title", "title": "Agent exclusivity", "summary": "Two", "body": "x"},
                  {"id": "in-summary", "title": "Beta", "summary": "on agent exclusivity", "body": "y"},
                  {"id": "unrelated", "title": "Gamma", "summary": "Three", "body": "z"}):
        practices.create(store, {**base, **entry}, "t")
    found = practices.search(store, q="exclusivity agents")
    assert [i["id"] for i in found["items"]] == ["in-title", "in-summary", "in-body"]
    assert [i["score"] for i in found["items"]] == [6, 4, 2]
    page = practices.search(store, q="exclusivity agents", limit=2)
    rest = practices.search(store, q="exclusivity agents", limit=2, cursor=page["next_cursor"])
    assert [i["id"] for i in page["items"] + rest["items"]] == ["in-title", "in-summary", "in-body"]
    assert rest["next_cursor"] is None


def test_drafts_stay_out_of_public_reads_and_edits_need_the_current_version(store):
    draft = practices.create(store, {"title": "Draft note", "summary": "s", "body": "remittance draft",
                                     "source": {"title": "t"}}, "operator:a")
    assert practices.search(store, q="draft")["items"] == []
    assert practices.search(store, public=False, q="draft")["items"]
    with pytest.raises(practices.UnknownPractice):
        practices.get_practice(store, draft["_id"], public=True)
    practices.update(store, draft["_id"], {"summary": "new"}, 1, "operator:a")
    with pytest.raises(PreconditionFailed):
        practices.update(store, draft["_id"], {"summary": "newer"}, 1, "operator:b")
    published = practices.publish(store, draft["_id"], "operator:a")
    assert published["status"] == "published" and [e["type"] for e in published["outbox"]] == ["practice.published"]
    assert practices.publish(store, draft["_id"], "operator:a")["outbox"] == published["outbox"]  # again: a no-op
    edited = practices.update(store, draft["_id"], {"summary": "newest", "title": draft["title"]}, published["version"],
                              "operator:a")
    announced = edited["outbox"][-1]
    assert announced["type"] == "practice.updated" and announced["data"] == {
        "practice_id": draft["_id"], "version": published["version"] + 1, "fields": ["summary"]}
    unchanged = practices.update(store, draft["_id"], {"summary": "newest"}, edited["version"], "operator:a")
    assert unchanged["outbox"] == edited["outbox"]  # an edit that changes nothing announces nothing


def test_csv_rows_become_practice_requests():
    text = ("id,title,summary,body,countries,themes,source_title,source_year\n"
            "a-b,Title,Summary,Body,NPL; BGD,access;digital channels,Note,2026\n")
    items = practices.items_from_csv(text)
    assert items == [{"id": "a-b", "title": "Title", "summary": "Summary", "body": "Body", "countries": ["NPL", "BGD"],
                      "themes": ["access", "digital channels"], "source": {"title": "Note", "year": "2026"}}]
    assert PracticeImportSchema().load({"items": items})["items"][0]["source"]["year"] == 2026
    extra = practices.items_from_csv(text.replace("2026\n", "2026,surplus\n"))
    assert "cells_beyond_the_header" in extra[0]


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_csv_lines_may_end_in_cr_or_crlf(line_end):
    text = ("id,title,summary,body,source_title\n"
            "a-b,Title,Summary,\"Body\nover two lines\",Note\n").replace("\n", line_end)
    assert practices.items_from_csv(text) == [{"id": "a-b", "title": "Title", "summary": "Summary",
                                               "body": f"Body{line_end}over two lines", "source": {"title": "Note"}}]


def test_every_unicode_line_break_is_read_without_a_fault():
    """Once a 500 (``csv.Error: new-line character seen in unquoted field``). \\n, \\r and \\r\\n
    end lines; the other breaks str.splitlines knows are text in a cell (a schema judges them)."""
    items = practices.items_from_csv("a\nb\rc\u0085d\x0be\x0cf\u2028g\u2029h\r\ni")
    assert items == [{"a": "b"}, {"a": "c\u0085d\x0be\x0cf\u2028g\u2029h"}, {"a": "i"}]
    with pytest.raises(InvalidInput) as raised:
        validated(PracticeImportSchema(), {"items": items})  # "a" is no field of a practice
    assert "a" in raised.value.details["fields"]["items"][0]


def test_a_csv_the_csv_module_cannot_read_is_a_400_with_its_line():
    cell = "x" * (csv.field_size_limit() + 1)
    with pytest.raises(InvalidInput) as raised:
        practices.items_from_csv(f"id,title\na,Title\nb,{cell}\n")
    assert raised.value.status == 400 and raised.value.details == {"line": 3}
