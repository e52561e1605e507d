"""Capture the OpenAPI examples from a platform serving the bundled data.

    make run            # in one terminal
    .venv/bin/python scripts/capture_examples.py [--base http://127.0.0.1:8000]
"""
import argparse
import json
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gateway.examples import EXAMPLES_FILE, REQUESTS, trim  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    captured = {}
    for handler, (path, params) in REQUESTS.items():
        response = requests.get(args.base + path, params=params, timeout=30)
        response.raise_for_status()
        captured[handler] = trim(response.json())
    EXAMPLES_FILE.write_text(json.dumps(captured, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(captured)} examples to {EXAMPLES_FILE}")


if __name__ == "__main__":
    main()
