"""Fuzz the JSON API from its own OpenAPI document with schemathesis: no request may get a 5xx.

The demo district is seeded into a fresh SQLite file; every operation of
``/api/v1/openapi.json`` is called with generated input as a user of the demo (``worker`` by
default, through a personal API token), a bounded number of times each. Prints one line per
operation that answered a 5xx, and exits 1 if there was any. Not part of the test suite (it
needs schemathesis, which the platform does not depend on):

    python -m venv /tmp/fuzz && /tmp/fuzz/bin/pip install -e . schemathesis
    /tmp/fuzz/bin/python scripts/fuzz_api.py --examples 25 [--user community_admin]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20, help="cases per operation")
    parser.add_argument("--user", default="worker", help="a demo account")
    parser.add_argument("--match", default="", help="only paths containing this text")
    args = parser.parse_args(argv)

    instance = tempfile.mkdtemp(prefix="jiedao-fuzz-")
    os.environ.update(
        {
            "JIEDAO_ENV": "demo",
            "JIEDAO_INSTANCE_PATH": instance,
            "JIEDAO_DATABASE_URL": f"sqlite:///{instance}/fuzz.db",
        }
    )
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    from core import migrate
    from core.accounts.services import issue_token
    from core.app import create_app
    from core.db import db
    from core.models import User

    app = create_app()
    with app.app_context():
        plugins = app.extensions["jiedao.plugins"]
        migrate.upgrade(app.config["DATABASE_URL"], plugins=plugins)
        options: dict = {"password": "jiedao-demo", "accounts": []}
        plugins.call("jiedao_demo_seed", session=db.session, options=options)
        db.session.commit()
        user = db.session.query(User).filter_by(username=args.user).one()
        token = issue_token(db.session, user, "fuzz")
        db.session.commit()

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: Counter[str] = Counter()
    calls = 0

    def fuzz(operation) -> None:
        nonlocal calls

        @given(case=operation.as_strategy())
        @settings(
            max_examples=args.examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case) -> None:
            nonlocal calls
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls += 1
            if response.status_code >= 500:
                failures[
                    f"{operation.method.upper()} {operation.path} → {response.status_code}"
                ] += 1

        try:
            run()
        except Exception as exc:  # a failing operation is reported; the others still run
            failures[f"{operation.method.upper()} {operation.path} → {type(exc).__name__}"] += 1

    for result in schema.get_all_operations():
        operation = result.ok()
        if not args.match or args.match in operation.path:
            fuzz(operation)
    for line, count in sorted(failures.items()):
        print(f"5xx: {line} ({count}×)")
    print(f"{calls} calls, {sum(failures.values())} answered 5xx")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
