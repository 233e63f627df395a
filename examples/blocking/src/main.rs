//! The `blocking` example plugin's process.

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(mm_example_blocking::WordCounter::default())
}
