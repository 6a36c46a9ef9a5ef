//! Test support shared by the adapter tests.

pub mod fake_bot_api;
