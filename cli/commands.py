"""One function per command: call the API, print, return the exit code."""
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from cli.client import FAILED, NEEDS_REVIEW, OK, USAGE, ApiError

SETTLED = ("completed", "failed", "needs_review", "rejected")
UPLOAD_PIECE = 256 * 1024


def _out(args, payload, lines):
    """JSON for scripts (--json), readable lines otherwise."""
    if args.json:
        print(json.dumps(payload, indent=2, default=str))
    else:
        for line in lines:
            print(line)


def _file_pieces(path, bar):
    with open(path, "rb") as f:
        while piece := f.read(UPLOAD_PIECE):
            bar.update(len(piece))
            yield piece


def cmd_import(api, args):
    path = Path(args.file)
    if not path.is_file():
        raise ApiError(USAGE, f"no such file: {path}")
    params = {"kind": args.kind, **({"year": args.year} if args.year else {})}
    quiet = args.json or args.quiet
    with tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=f"upload {path.name}", disable=quiet,
              file=sys.stderr) as bar:
        answer = api.call("POST", "/datasets", params=params, data=_file_pieces(path, bar),
                          headers={"Content-Type": "application/octet-stream", "X-Filename": path.name})
    dataset = answer
    if not args.no_wait:
        with tqdm(unit=" rows", desc=f"import {answer['id']}", disable=quiet, file=sys.stderr) as bar:
            deadline = time.monotonic() + args.timeout
            while True:
                dataset = api.call("GET", f"/datasets/{answer['id']}", params={"errors_limit": 20})
                bar.n = dataset.get("rows_total") or 0
                bar.refresh()
                if dataset["status"] in SETTLED or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
    status = dataset["status"]
    lines = [f"dataset {dataset['id']}: {status}" + ("  (these bytes were imported before)" if answer.get("duplicate")
                                                     else "")]
    if "rows_accepted" in dataset:
        lines.append(f"rows: {dataset.get('rows_total', 0):,} read, {dataset['rows_accepted']:,} accepted, "
                     f"{dataset['rows_rejected']:,} rejected")
    if dataset.get("failure"):
        lines.append(f"failure: {dataset['failure']}")
    lines += [f"  row {e.get('row')}: {e.get('field')}: {e.get('message')}" for e in dataset.get("errors") or []]
    if status == "needs_review":
        lines.append(f"held for review: observatory datasets publish {dataset['id']}  (or reject)")
    _out(args, dataset, lines)
    return {"completed": OK, "needs_review": NEEDS_REVIEW, "failed": FAILED, "rejected": FAILED}.get(status, OK)


def cmd_datasets_list(api, args):
    params = {k: v for k, v in (("kind", args.kind), ("status", args.status), ("limit", args.limit)) if v}
    answer = api.call("GET", "/datasets", params=params)
    _out(args, answer, [f"{d['id']}  {d['status']:12} {d['kind']:22} {d.get('filename') or '':40} "
                        f"{d.get('rows_accepted') or 0:>8,} ok {d.get('rows_rejected') or 0:>6,} rejected"
                        for d in answer["items"]] or ["no datasets"])
    return OK


def cmd_datasets_show(api, args):
    dataset = api.call("GET", f"/datasets/{args.id}", params={"errors_limit": args.errors})
    lines = [f"{k}: {dataset[k]}" for k in ("id", "kind", "filename", "status", "rows_total", "rows_accepted",
                                           "rows_rejected", "periods", "failure") if dataset.get(k) is not None]
    lines += [f"  row {e.get('row')}: {e.get('field')}: {e.get('message')}" for e in dataset.get("errors") or []]
    _out(args, dataset, lines)
    return OK


def _decide(action):
    def command(api, args):
        answer = api.call("POST", f"/datasets/{args.id}/{action}")
        _out(args, answer, [f"dataset {answer['id']}: {answer.get('status', action)}"])
        return OK
    return command


def cmd_credentials_mint(api, args):
    body = {"role": args.role, **{k: v for k, v in (("provider_id", args.provider_id),
                                                    ("subscriber_id", args.subscriber_id), ("label", args.label)) if v}}
    answer = api.call("POST", "/credentials", json=body)
    _out(args, answer, [f"credential {answer['id']} ({answer['role']}); the token, shown this once:",
                        answer["token"]])
    return OK


def cmd_credentials_list(api, args):
    answer = api.call("GET", "/credentials", params={"role": args.role} if args.role else None)
    _out(args, answer, [f"{c['id']}  {c['role']:10} {c.get('provider_id') or c.get('subscriber_id') or '':24} "
                        f"{'revoked' if c.get('revoked_at') else 'active':8} {c.get('label') or ''}"
                        for c in answer["items"]] or ["no credentials"])
    return OK


def cmd_credentials_revoke(api, args):
    answer = api.call("DELETE", f"/credentials/{args.id}")
    _out(args, answer, [f"credential {answer['id']} revoked at {answer['revoked_at']}"])
    return OK


def cmd_dead_letters_list(api, args):
    answer = api.call("GET", "/admin/dead-letters", params={"limit": args.limit})
    _out(args, answer, [json.dumps(item, default=str)[:200] for item in answer["items"]] or ["no dead letters"])
    return OK


def cmd_dead_letters_replay(api, args):
    answer = api.call("POST", "/admin/dead-letters/replay", json={"event_ids": args.event_ids} if args.event_ids
                      else {})
    _out(args, answer, [f"replayed {answer['replayed']}"])
    return OK


def cmd_deliveries_list(api, args):
    params = {k: v for k, v in (("status", args.status), ("limit", args.limit)) if v}
    answer = api.call("GET", "/deliveries", params=params)
    _out(args, answer, [f"{d['id']}  {d['status']:10} {d['channel']:8} attempts {len(d['attempts'])}"
                        + (f", last {d['attempts'][-1].get('status_code') or d['attempts'][-1].get('error')}"
                           if d["attempts"] else "") for d in answer["items"]] or ["no deliveries"])
    return OK


def cmd_deliveries_replay(api, args):
    answer = api.call("POST", f"/deliveries/{args.id}/replay")
    _out(args, answer, [f"delivery {answer['id']}: {answer['status']} (sent again with the same webhook-id)"])
    return OK
