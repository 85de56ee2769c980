#!/usr/bin/env python3
"""MovieLens-100k as a Flywheel marketplace, for `flywheel import` and `flywheel matching eval`.

Users play brands, movies play creators, genres play niches (under one parent, "Film"), and
every rating is a completed collaboration whose GMV grows with the rating (rating * 1,000
minor units), started at the rating's timestamp. A brand's niches are its three most rated
genres, weighted by share; a creator's niches are its genres, equally shared.

The data is NOT in this repository: the MovieLens licence forbids redistribution. Get
ml-100k from https://grouplens.org/datasets/movielens/100k/ (or a repository that vendors it,
e.g. github.com/OweysMomenzada/Graph-Neural-Networks-for-effecient-Recommender-Systems,
Experiments/ML100K/) and pass the directory holding u.data, u.item and u.genre:

    python3 scripts/matching/movielens.py PATH/TO/ml-100k OUT.ndjson
"""

import collections
import datetime
import json
import math
import sys
from pathlib import Path


def floor4(x: float) -> float:
    """Rounds a share down to 4 decimals, so shares never add up to more than 1."""
    return math.floor(x * 10_000) / 10_000


def slug(name: str) -> str:
    return "ml-" + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def main(src: Path, out: Path) -> None:
    genres = [
        line.split("|")[0]
        for line in (src / "u.genre").read_text(encoding="latin-1").splitlines()
        if line.strip()
    ]
    movie_genres = {}
    for line in (src / "u.item").read_text(encoding="latin-1").splitlines():
        fields = line.split("|")
        if len(fields) < 5 + len(genres):
            continue
        flags = fields[-len(genres):]
        movie_genres[fields[0]] = [g for g, f in zip(genres, flags) if f == "1"] or ["unknown"]
    ratings = []
    for line in (src / "u.data").read_text(encoding="latin-1").splitlines():
        user, item, rating, ts = line.split("\t")
        ratings.append((user, item, int(rating), int(ts)))

    per_user = collections.defaultdict(collections.Counter)
    for user, item, _, _ in ratings:
        for g in movie_genres.get(item, ["unknown"]):
            per_user[user][g] += 1

    records = [
        {"record": "markets", "code": "US", "name": "United States", "currency": "USD",
         "timeZone": "America/New_York"},
        {"record": "niches", "slug": "ml-film", "name": "Film"},
    ]
    used = sorted({g for gs in movie_genres.values() for g in gs})
    records += [
        {"record": "niches", "slug": slug(g), "name": g, "parentSlug": "ml-film"} for g in used
    ]
    for user in sorted(per_user, key=int):
        top = per_user[user].most_common(3)
        total = sum(n for _, n in top)
        records.append({
            "record": "brands", "externalId": f"ml-u{user}", "name": f"MovieLens user {user}",
            "markets": ["US"],
            "niches": [{"niche": slug(g), "weight": floor4(n / total)} for g, n in top],
        })
    for item in sorted(movie_genres, key=int):
        gs = movie_genres[item]
        records.append({
            "record": "creators", "externalId": f"ml-m{item}", "market": "US",
            "handle": f"movie_{item}", "displayName": None, "followers": 1000,
            "accountWeight": 0.5, "ecommerceCapable": True,
            "niches": [{"niche": slug(g), "weight": floor4(1 / len(gs))} for g in gs],
        })
    for user, item, rating, ts in ratings:
        started = datetime.datetime.fromtimestamp(ts, datetime.UTC)
        records.append({
            "record": "collaborations", "externalId": f"ml-r{user}-{item}",
            "brand": f"ml-u{user}", "creator": f"ml-m{item}", "status": "completed",
            "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "endedAt": None,
            "gmvMinor": rating * 1000, "currency": "USD",
        })
    with out.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
