//! List fields that read the same from JSON (an array) and from a CSV cell (`a;b;c`), so one
//! record type serves GraphQL, NDJSON and CSV.

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// Deserialises a list from a sequence, or from a string of `;`-separated items.
pub fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + FromStr,
    T::Err: fmt::Display,
{
    struct ListVisitor<T>(PhantomData<T>);

    impl<'de, T> Visitor<'de> for ListVisitor<T>
    where
        T: Deserialize<'de> + FromStr,
        T::Err: fmt::Display,
    {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list, or a string of items separated by ';'")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<Vec<T>, E> {
            s.split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| item.parse::<T>().map_err(E::custom))
                .collect()
        }
    }

    deserializer.deserialize_any(ListVisitor(PhantomData))
}
