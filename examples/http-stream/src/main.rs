//! The `http-stream` example plugin's process.

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(mm_example_http_stream::plugin())
}
