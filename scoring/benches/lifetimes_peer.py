"""Times lifetimes 0.11.3 on the same one million synthetic creators as `benches/ltv.rs`.

Setup (once):
    python3 -m venv /tmp/lifetimes-venv && /tmp/lifetimes-venv/bin/pip install lifetimes==0.11.3
    cargo run --release -p scoring --example ltv_synth_csv -- /tmp/ltv_synth_1m.csv
Run:
    /tmp/lifetimes-venv/bin/python scoring/benches/lifetimes_peer.py /tmp/ltv_synth_1m.csv
"""

import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.3f} s")
    return result


def main(path):
    df = pd.read_csv(path)
    print(f"{len(df)} creators")
    # lifetimes accepts weights: collapse identical (x, t_x, T) like our fit does.
    grouped = df.groupby(["frequency", "recency", "T"]).size().reset_index(name="weight")
    print(f"{len(grouped)} distinct summaries")
    bgf = BetaGeoFitter()
    timed(
        "BG/NBD fit, collapsed with weights",
        lambda: bgf.fit(grouped["frequency"], grouped["recency"], grouped["T"],
                        weights=grouped["weight"]),
    )
    print(bgf.params_.to_dict())
    raw = BetaGeoFitter()
    timed("BG/NBD fit, raw 1M rows", lambda: raw.fit(df["frequency"], df["recency"], df["T"]))
    repeat = df[df["frequency"] > 0]
    ggf = GammaGammaFitter()
    timed("Gamma-Gamma fit", lambda: ggf.fit(repeat["frequency"], repeat["monetary_value"]))
    print(ggf.params_.to_dict())
    timed("P(alive) 1M", lambda: bgf.conditional_probability_alive(
        df["frequency"], df["recency"], df["T"]))
    timed("expected purchases (360 days) 1M",
          lambda: bgf.conditional_expected_number_of_purchases_up_to_time(
              360, df["frequency"], df["recency"], df["T"]))
    timed("CLV 12 x 30 days, 1 %/month, 1M", lambda: ggf.customer_lifetime_value(
        bgf, df["frequency"], df["recency"], df["T"], df["monetary_value"],
        time=12, discount_rate=0.01, freq="D"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ltv_synth_1m.csv")
