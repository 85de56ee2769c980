#!/usr/bin/env python3
"""Writes a schemathesis.toml whose dictionaries hold ids and codes that exist in a seeded
SQLite database, so that the fuzzer's queries reach real rows (random ids only ever reach
NOT_FOUND) while half of its draws stay random.

    python3 scripts/fuzz/dictionary.py FUZZ.db schemathesis.toml
"""

import json
import sqlite3
import sys

# dictionary name -> the SQL that yields its values (a few first rows, a few last ones).
SOURCES = {
    "markets": "SELECT code FROM market",
    "niches": "SELECT id FROM niche",
    "creators": "SELECT id FROM creator",
    "content": "SELECT id FROM content",
    "brands": "SELECT id FROM brand",
    "shops": "SELECT id FROM shop",
    "scouts": "SELECT id FROM scout",
    "entries": "SELECT id FROM pipeline_entry",
}

# GraphQL argument (`Type.field.argument`, `*` for any) -> dictionary.
BINDINGS = {
    "*.*.market": "markets",
    "*.*.niche": "niches",
    "*.*.nicheId": "niches",
    "*.*.parentId": "niches",
    "*.*.scoutId": "scouts",
    "Query.creator.id": "creators",
    "Query.content.id": "content",
    "Query.brand.id": "brands",
    "Query.shop.id": "shops",
    "Query.pipelineEntry.id": "entries",
    "Mutation.movePipelineEntry.entryId": "entries",
}


def sample(db: sqlite3.Connection, sql: str) -> list[str]:
    values = [str(row[0]) for row in db.execute(sql)]
    return sorted(set(values[:8] + values[-4:]))


def main(path: str, out: str) -> None:
    db = sqlite3.connect(path)
    lines = []
    for name, sql in SOURCES.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(sample(db, sql))}", ""]
    lines.append("[parameters]")
    for key, name in BINDINGS.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
