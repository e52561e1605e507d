"""observatory: the operator's command line, over the HTTP API.

    observatory import data.csv --kind rpw-quotes      # progress, then the outcome
    observatory datasets list --status needs_review
    observatory --help                                  # every command has --help

The URL and token come from --url / --token or OBSERVATORY_URL /
OBSERVATORY_TOKEN. Exit codes scripts can rely on: 0 done; 1 the import
failed or was rejected; 2 wrong usage; 3 the import waits for review; 4 the
API refused the request (4xx: the JSON error is printed); 5 the API could not
be reached or failed (5xx).
"""
import argparse
import os
import sys

from cli import commands as run
from cli.client import Api, ApiError
from observatory.vocabulary import DATASET_KINDS, DATASET_STATUSES


def parser():
    top = argparse.ArgumentParser(prog="observatory", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog=__doc__.split("\n\n", 1)[1])
    top.add_argument("--url", default=os.environ.get("OBSERVATORY_URL", "http://127.0.0.1:8000"),
                     help="the platform (default: $OBSERVATORY_URL or http://127.0.0.1:8000)")
    top.add_argument("--token", default=os.environ.get("OBSERVATORY_TOKEN"),
                     help="a bearer token (default: $OBSERVATORY_TOKEN)")
    top.add_argument("--json", action="store_true", help="print the API's JSON answer")
    commands = top.add_subparsers(dest="command", required=True, metavar="command")

    imp = commands.add_parser("import", help="upload a file and follow its import")
    imp.add_argument("file")
    imp.add_argument("--kind", required=True, choices=DATASET_KINDS)
    imp.add_argument("--year", type=int, help="the reference year, for a matrix file that does not say")
    imp.add_argument("--no-wait", action="store_true", help="return once uploaded")
    imp.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the outcome")
    imp.add_argument("--quiet", action="store_true", help="no progress bars")
    imp.set_defaults(run=run.cmd_import)

    datasets = commands.add_parser("datasets", help="list, show, publish or reject datasets")
    ds = datasets.add_subparsers(dest="action", required=True, metavar="action")
    listing = ds.add_parser("list", help="datasets, newest first")
    listing.add_argument("--kind", choices=DATASET_KINDS)
    listing.add_argument("--status", choices=DATASET_STATUSES)
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=run.cmd_datasets_list)
    show = ds.add_parser("show", help="a dataset with its errors")
    show.add_argument("id")
    show.add_argument("--errors", type=int, default=50, help="how many row errors to show")
    show.set_defaults(run=run.cmd_datasets_show)
    for action, text in (("publish", "publish a held (or earlier) dataset"), ("reject", "reject a held dataset")):
        decide = ds.add_parser(action, help=text)
        decide.add_argument("id")
        decide.set_defaults(run=run._decide(action))

    credentials = commands.add_parser("credentials", help="mint, list or revoke tokens")
    cr = credentials.add_subparsers(dest="action", required=True, metavar="action")
    mint = cr.add_parser("mint", help="a new token (shown once)")
    mint.add_argument("--role", required=True, choices=("operator", "provider", "subscriber"))
    mint.add_argument("--provider-id")
    mint.add_argument("--subscriber-id")
    mint.add_argument("--label")
    mint.set_defaults(run=run.cmd_credentials_mint)
    listed = cr.add_parser("list", help="every credential (never its token)")
    listed.add_argument("--role", choices=("operator", "provider", "subscriber"))
    listed.set_defaults(run=run.cmd_credentials_list)
    revoke = cr.add_parser("revoke", help="revoke a credential")
    revoke.add_argument("id")
    revoke.set_defaults(run=run.cmd_credentials_revoke)

    dead = commands.add_parser("dead-letters", help="messages that failed every attempt")
    dl = dead.add_subparsers(dest="action", required=True, metavar="action")
    dl_list = dl.add_parser("list", help="list dead letters")
    dl_list.add_argument("--limit", type=int, default=50)
    dl_list.set_defaults(run=run.cmd_dead_letters_list)
    dl_replay = dl.add_parser("replay", help="send dead letters back (all, or the event ids given)")
    dl_replay.add_argument("event_ids", nargs="*")
    dl_replay.set_defaults(run=run.cmd_dead_letters_replay)

    deliveries = commands.add_parser("deliveries", help="a subscriber's delivery log (subscriber token)")
    dv = deliveries.add_subparsers(dest="action", required=True, metavar="action")
    dv_list = dv.add_parser("list", help="deliveries, newest first, with their attempts")
    dv_list.add_argument("--status")
    dv_list.add_argument("--limit", type=int, default=50)
    dv_list.set_defaults(run=run.cmd_deliveries_list)
    dv_replay = dv.add_parser("replay", help="send a delivery again (same webhook-id)")
    dv_replay.add_argument("id")
    dv_replay.set_defaults(run=run.cmd_deliveries_replay)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(Api(args.url, args.token), args)
    except ApiError as exc:
        print(f"observatory: {exc}", file=sys.stderr)
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
