"""What the capacity tests share: the API as a member or operator calls it,
a local SMTP server (aiosmtpd), and choices made from the real files."""
import csv
import json
from pathlib import Path

import requests

from tests.ingest_files import RPW_QUOTES
from tests.live import free_port

API = "/api/v1"
PRIVATE_EMAIL = "private.focal.point@nrb.example.org"  # a contact its focal point shares with nobody
LIBRARY = Path(__file__).resolve().parents[2] / "services" / "catalog" / "practices.json"


class Api:
    def __init__(self, base, admin):
        self.base, self.admin = base, admin

    def _call(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + API + path, json=body, headers=headers, timeout=60)

    def get(self, path, token=None):
        return self._call("GET", path, None, token)

    def post(self, path, body, token=None):
        return self._call("POST", path, body, token)

    def put(self, path, body, token=None):
        return self._call("PUT", path, body, token)

    def patch(self, path, body, token=None):
        return self._call("PATCH", path, body, token)

    def delete(self, path, token=None):
        return self._call("DELETE", path, None, token)

    def answered(self, method, path, body=None, token=None, timeout=90):
        """A call as a client makes it while a service is busy (e.g. the catalog applying a just-published
        dataset's firms): a 503 (not answered within the deadline) is asked again, anything else returned.
        Only for reads and writes that are the same when repeated (a request's own request_id)."""
        from tests.conftest import wait_for

        answers = []
        wait_for(lambda: answers.append(self._call(method, path, body, token)) or answers[-1].status_code != 503,
                 timeout=timeout, interval=1, what=f"an answer to {method} {path} other than 503")
        return answers[-1]

    def member_token(self, member_id):
        minted = self.post("/credentials", {"role": "member", "member_id": member_id}, self.admin)
        assert minted.status_code == 201, minted.text
        assert minted.json()["member_id"] == member_id
        return minted.json()["token"]


class SmtpInbox:
    def __init__(self):
        from aiosmtpd.controller import Controller

        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                inbox.messages.append(envelope)
                return "250 OK"

        self.messages, self.port = [], free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self):
        self.controller.stop()


def library_themes():
    """The starting library's themes that at least two practices share, sorted."""
    counts = {}
    for practice in json.loads(LIBRARY.read_text()):
        for theme in practice["themes"]:
            counts[theme] = counts.get(theme, 0) + 1
    return sorted(t for t, n in counts.items() if n >= 2)


def rising_corridor(series):
    """The first corridor (sorted) whose observed cost rose by more than 0.2 pp from 2013Q4 to 2014Q1:
    (corridor, the 2013Q4 cost, the 2014Q1 cost)."""
    for corridor in sorted(series):
        by_period = {p: cost for p, cost, _ in series[corridor]}
        if "2013Q4" in by_period and "2014Q1" in by_period and by_period["2014Q1"] - by_period["2013Q4"] > 0.2:
            return corridor, by_period["2013Q4"], by_period["2014Q1"]
    raise AssertionError("no corridor of the real file rose from 2013Q4 to 2014Q1")


def truncated_quotes(directory, last_year):
    """The real quotes file with only its rows of ``last_year`` and before (same header, same rows)."""
    path = Path(directory) / f"rpw_quotes_to_{last_year}.csv"
    with open(RPW_QUOTES, encoding="utf-8", newline="") as source, open(path, "w", encoding="utf-8",
                                                                           newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        at = header.index("period")
        writer.writerows(row for row in reader if row[at][:4] <= last_year)
    return path


def publish(base, token, path, kind, attempts=4, timeout=240):
    """Upload a file and wait until it is published. A 503 (ingest busy past its deadline, e.g. still
    relaying the previous file's events on a loaded broker) is retried as a client would: the same bytes
    are the same dataset, so a retry never makes a second one."""
    from tests.conftest import wait_for

    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(attempts):
        answer = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=path.read_bytes(),
                               headers=auth, timeout=120)
        if answer.status_code != 503:
            break
    assert answer.status_code in (200, 202), answer.text
    dataset_id = answer.json()["id"]
    wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=auth, timeout=60)
             .json()["status"] == "completed", timeout=timeout, interval=0.5, what=f"{kind} {path.name}")
    return dataset_id
