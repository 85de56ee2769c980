//! Fingerprints of configurations. Every stored content score and shop rating records the
//! fingerprint of the configuration that made it, so a change of any tunable shows in the
//! history and a cohort snapshot built under other rules is refused, with no version number to
//! remember to bump.

use serde::{Deserialize, Serialize};

/// A 64-bit FNV-1a hash of a configuration's JSON, shown as 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// The fingerprint of `config`: equal configurations (every field equal) have equal
    /// fingerprints, and any changed field changes it but for a 2^-64 chance.
    pub fn of<T: Serialize>(config: &T) -> Self {
        let json = serde_json::to_vec(config).expect("a configuration serializes to JSON");
        Self(fnv1a(&json))
    }

    /// The fingerprint as a signed 64-bit integer (the same bits), for an `i64` column.
    pub fn to_i64(self) -> i64 {
        i64::from_ne_bytes(self.0.to_ne_bytes())
    }

    /// The fingerprint stored by [`Fingerprint::to_i64`].
    pub fn from_i64(stored: i64) -> Self {
        Self(u64::from_ne_bytes(stored.to_ne_bytes()))
    }
}

/// FNV-1a, 64 bits: tiny, stable across releases and platforms (unlike `std`'s hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Fingerprint, fnv1a};

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprints_follow_every_field_and_survive_storage() {
        let a = Fingerprint::of(&(1, "x"));
        assert_eq!(a, Fingerprint::of(&(1, "x")));
        assert_ne!(a, Fingerprint::of(&(2, "x")));
        assert_ne!(a, Fingerprint::of(&(1, "y")));
        for f in [a, Fingerprint(u64::MAX), Fingerprint(0)] {
            assert_eq!(Fingerprint::from_i64(f.to_i64()), f);
        }
        assert_eq!(Fingerprint(0xab).to_string(), "00000000000000ab");
    }
}
