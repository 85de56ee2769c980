"""Schemathesis checks for Flywheel's GraphQL endpoint, loaded through SCHEMATHESIS_HOOKS.

Schemathesis' own `not_a_server_error` counts every error that carries a `path` as a server
failure, so a FORBIDDEN or NOT_FOUND field (the answer a brand must get for another brand's
data) would fail it. These checks say what a failure is here instead: a 5xx, an error without
one of the documented codes, an INTERNAL error, or a message that leaks the implementation.
The response's shape against the schema stays with the stock `response_schema_conformance`.
"""

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# `Long` (64-bit, exact in JSON up to 2^53 - 1): any integer, so that the refusal of the ones
# beyond it is fuzzed too.
schemathesis.graphql.scalar("Long", st.integers().map(nodes.Int))

# The codes the README documents; anything else is a defect.
CODES = {
    "BAD_USER_INPUT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "RATE_LIMITED",
    "INTERNAL",
}

# Words that only an internal failure would put in a message: SQL, the ORM, a panic.
LEAKS = (
    "panicked",
    "sqlx",
    "sea_orm",
    "DbErr",
    "SQLSTATE",
    "syntax error at or near",
    "UNIQUE constraint",
    "duplicate key",
    "database is locked",
    "no such table",
    "RUST_BACKTRACE",
)


def _payload(response):
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"the body is not JSON: {exc}") from None


@schemathesis.check
def no_server_failure(ctx, response, case):
    """No 5xx, and no INTERNAL error: every bad input gets a client-side code."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    payload = _payload(response)
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL":
            raise AssertionError(f"INTERNAL error: {error.get('message')!r}")


@schemathesis.check
def errors_are_documented(ctx, response, case):
    """Each error has a message and one of the documented codes, and leaks nothing (a word
    the request itself carried, echoed back, is no leak)."""
    payload = _payload(response)
    body = response.request.body or b""
    sent = (body.decode("utf-8", "replace") if isinstance(body, bytes) else body).lower()
    if not isinstance(payload, dict) or not ({"data", "errors"} & payload.keys()):
        raise AssertionError("neither `data` nor `errors` in the response")
    for error in payload.get("errors") or []:
        message = error.get("message")
        if not isinstance(message, str) or not message:
            raise AssertionError(f"an error without a message: {error!r}")
        code = (error.get("extensions") or {}).get("code")
        if code not in CODES:
            raise AssertionError(f"undocumented code {code!r} on {message!r}")
        lowered = message.lower()
        for leak in LEAKS:
            if leak.lower() in lowered and leak.lower() not in sent:
                raise AssertionError(f"the message leaks {leak!r}: {message!r}")
