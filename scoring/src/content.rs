//! Placeholder: filled in by the content work.
