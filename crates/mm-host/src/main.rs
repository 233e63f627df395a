//! `mm-host`: run Mattermost plugins locally against an in-memory Mattermost stand-in.

fn main() -> std::process::ExitCode {
    mm_host::cli::main()
}
