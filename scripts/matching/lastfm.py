#!/usr/bin/env python3
"""Last.fm hetrec-2011 (lastfm-2k) as a Flywheel marketplace, for `flywheel import` and
`flywheel matching eval`.

Users play brands, artists play creators, tags play niches (under one parent, "Music"), and
every user-artist listening record is a completed collaboration whose GMV is its listen count
(minor units), started on 2011-01-01 (the data carries no listening dates). A creator's niches
are the five tags users applied to it most, weighted by share; a brand's niches are the three
tags that user applied most (what it says it is about, independent of what it listened to), so
a user who tagged nothing has no niches. A creator's followers are the number of times it was
tagged (a popularity signal that does not count the listens being hidden).

The data is NOT in this repository: GroupLens distributes it for research use only. Get
hetrec2011-lastfm-2k from https://grouplens.org/datasets/hetrec-2011/ (or a repository that
vendors it, e.g. github.com/omarriaga/hybrid-recommender, data/) and pass the directory holding
user_artists.dat, user_taggedartists.dat and tags.dat:

    python3 scripts/matching/lastfm.py PATH/TO/hetrec2011-lastfm-2k OUT.ndjson
"""

import collections
import json
import math
import sys
from pathlib import Path


def floor4(x: float) -> float:
    """Rounds a share down to 4 decimals, so shares never add up to more than 1."""
    return math.floor(x * 10_000) / 10_000


def rows(path: Path):
    lines = path.read_text(encoding="latin-1").splitlines()
    return [line.rstrip("\r").split("\t") for line in lines[1:] if line.strip()]


def shares(counter: collections.Counter, n: int):
    top = counter.most_common(n)
    total = sum(c for _, c in top)
    return [(tag, floor4(c / total)) for tag, c in top]


def main(src: Path, out: Path) -> None:
    tag_names = {t: name for t, name in rows(src / "tags.dat")}
    listens = [(u, a, int(w)) for u, a, w in rows(src / "user_artists.dat")]
    artist_tags = collections.defaultdict(collections.Counter)
    user_tags = collections.defaultdict(collections.Counter)
    for user, artist, tag, *_ in rows(src / "user_taggedartists.dat"):
        artist_tags[artist][tag] += 1
        user_tags[user][tag] += 1

    users = sorted({u for u, _, _ in listens}, key=int)
    artists = sorted({a for _, a, _ in listens}, key=int)
    creator_niches = {a: shares(artist_tags[a], 5) for a in artists if artist_tags[a]}
    brand_niches = {u: shares(user_tags[u], 3) for u in users if user_tags[u]}
    used = sorted(
        {t for ts in list(creator_niches.values()) + list(brand_niches.values()) for t, _ in ts},
        key=int,
    )

    records = [
        {"record": "markets", "code": "US", "name": "United States", "currency": "USD",
         "timeZone": "America/New_York"},
        {"record": "niches", "slug": "lfm-music", "name": "Music"},
    ]
    records += [
        {"record": "niches", "slug": f"lfm-t{t}", "name": tag_names.get(t, f"tag {t}")[:80],
         "parentSlug": "lfm-music"}
        for t in used
    ]
    for user in users:
        records.append({
            "record": "brands", "externalId": f"lfm-u{user}", "name": f"Last.fm user {user}",
            "markets": ["US"],
            "niches": [{"niche": f"lfm-t{t}", "weight": w} for t, w in brand_niches.get(user, [])],
        })
    for artist in artists:
        records.append({
            "record": "creators", "externalId": f"lfm-a{artist}", "market": "US",
            "handle": f"artist_{artist}", "displayName": None,
            "followers": sum(artist_tags[artist].values()),
            "accountWeight": 0.5, "ecommerceCapable": True,
            "niches": [{"niche": f"lfm-t{t}", "weight": w}
                       for t, w in creator_niches.get(artist, [])],
        })
    for user, artist, count in listens:
        records.append({
            "record": "collaborations", "externalId": f"lfm-l{user}-{artist}",
            "brand": f"lfm-u{user}", "creator": f"lfm-a{artist}", "status": "completed",
            "startedAt": "2011-01-01T00:00:00Z", "endedAt": None,
            "gmvMinor": count, "currency": "USD",
        })
    with out.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
