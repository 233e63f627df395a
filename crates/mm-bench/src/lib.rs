//! Benchmarks of the Mattermost plugin SDK.
//!
//! `mm-bench` will hold criterion benches and a side-by-side comparison binary that reports each
//! measurement as a ratio against a baseline run on the same machine in the same run.
