//! The `hello` example plugin's process: started by a Mattermost server or by `mm-host`.

fn main() -> std::process::ExitCode {
    mattermost_plugin::run(mm_example_hello::plugin())
}
