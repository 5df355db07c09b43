"""Fuzz the JSON API from its own OpenAPI document with schemathesis, at length.

The demo district is seeded into a fresh SQLite file; every operation of
``/api/v1/openapi.json`` is called with generated input as a user of the demo (``worker`` by
default, through a personal API token), a bounded number of times each, and every answer is
checked as the test suite's bounded run (``tests/core/test_fuzz_api.py``) checks it: no 5xx,
and the status code, content type and body the document describes. Prints one line per
operation and kind of failure, and exits 1 if there was any. schemathesis comes with the test
extra:

    python -m venv .venv && .venv/bin/pip install -e '.[test]'
    .venv/bin/python scripts/fuzz_api.py --examples 25 [--user community_admin] [--match safety]
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
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

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
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    headers = {"Authorization": f"Bearer {token}"}
    failures: Counter[str] = Counter()
    calls = 0

    def fuzz(operation) -> None:
        nonlocal calls
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy())
        @settings(
            max_examples=args.examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case) -> None:
            nonlocal calls
            calls += 1
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # the app raised through the WSGI client: a 500
                failures[f"{label} → raised {type(exc).__name__}"] += 1
                return
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except (Failure, FailureGroup) as exc:
                for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                    failures[f"{label} → {response.status_code} {failure.title}"] += 1

        run()

    for result in schema.get_all_operations():
        operation = result.ok()
        if not args.match or args.match in operation.path:
            fuzz(operation)
    for line, count in sorted(failures.items()):
        print(f"{line} ({count}×)")
    print(f"{calls} calls, {sum(failures.values())} failed a check")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
