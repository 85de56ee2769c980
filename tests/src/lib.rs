//! Integration tests for the flywheel server; see `tests/`.
