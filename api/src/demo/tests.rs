//! Seeding tests against real databases.
