//! Writes the default one million synthetic creators (`ltv::synthetic`, seed 7) as CSV with
//! the columns `lifetimes` expects: `frequency,recency,T,monetary_value`, so the peer script
//! `benches/lifetimes_peer.py` can time `lifetimes` on exactly the data our bench uses.
//!
//! Usage: `cargo run --release -p scoring --example ltv_synth_csv -- /tmp/ltv_synth_1m.csv`

use scoring::ltv::synthetic::{SyntheticSpec, generate};
use std::io::{BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: ltv_synth_csv <output.csv>")?;
    let creators = generate(&SyntheticSpec::default())?;
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    writeln!(out, "frequency,recency,T,monetary_value")?;
    for s in &creators {
        writeln!(
            out,
            "{},{},{},{}",
            s.frequency, s.recency, s.age, s.monetary_value
        )?;
    }
    out.flush()?;
    println!("wrote {} creators to {path}", creators.len());
    Ok(())
}
