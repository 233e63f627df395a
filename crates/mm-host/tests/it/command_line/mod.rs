//! Running the real `mm-host` binary from integration tests.

use std::process::{Command, Stdio};

/// The `mm-host` binary cargo built for these tests.
const MM_HOST: &str = env!("CARGO_BIN_EXE_mm-host");

/// `mm-host args...` as the tests run it: plain output (no colours, no `RUST_LOG` from the
/// caller's environment), no input.
pub(crate) fn mm_host_command(args: &[&str]) -> Command {
    let mut command = Command::new(MM_HOST);
    command.args(args).env("NO_COLOR", "1").env_remove("RUST_LOG").stdin(Stdio::null());
    command
}

/// Runs `mm-host args...` to the end with `env` added; returns (success, stdout then stderr).
#[allow(dead_code)]
pub(crate) fn mm_host(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = mm_host_command(args).envs(env.iter().copied()).output().expect("mm-host runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}\n--- stderr ---\n{stderr}"))
}

/// Held by the tests that build examples/hello into the shared target dir and then use the
/// binary (the demo, the bundle of the example). They build it with different package sets,
/// so cargo relinks `target/debug/mm-example-hello` with other features; in one test process
/// they would otherwise run at once and one could read the file while the other rewrites it.
#[allow(dead_code)]
pub(crate) fn hello_binary_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `mm-host bundle <plugin_dir> --binary <binary> --target linux-amd64 --out <out>` (a
/// prebuilt binary: no release build); the path of the bundle it wrote, `out/<file_name>`.
#[allow(dead_code)]
pub(crate) fn bundle_prebuilt(
    plugin_dir: &std::path::Path,
    binary: &std::path::Path,
    out: &std::path::Path,
    file_name: &str,
) -> std::path::PathBuf {
    let path = |p: &std::path::Path| p.to_str().expect("a UTF-8 path").to_owned();
    let args = [
        "bundle",
        &path(plugin_dir),
        "--binary",
        &path(binary),
        "--target",
        "linux-amd64",
        "--out",
        &path(out),
    ];
    let (ok, output) = mm_host(&args, &[]);
    assert!(ok, "{output}");
    let bundle = out.join(file_name);
    assert!(bundle.is_file(), "no {file_name}: {output}");
    bundle
}

/// Fails with the whole output when one of `needles` is not in it.
pub(crate) fn assert_contains(output: &str, needles: &[&str]) {
    for needle in needles {
        assert!(output.contains(needle), "missing {needle:?} in:\n{output}");
    }
}

/// `mm-host run ...` running in the background, its stdout read line by line.
#[allow(dead_code)] // not every test binary that shares this module uses it
pub(crate) struct RunningHost {
    pub(crate) child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Everything printed so far.
    pub(crate) output: String,
}

#[allow(dead_code)]
impl RunningHost {
    /// Starts `mm-host args...` with `env` added.
    pub(crate) fn start(args: &[&str], env: &[(&str, &str)]) -> RunningHost {
        Self::start_in(std::path::Path::new("."), args, env)
    }

    /// Starts `mm-host args...` in the folder `dir` (where `./plugins` is) with `env` added.
    pub(crate) fn start_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> RunningHost {
        let mut child = mm_host_command(args)
            .current_dir(dir)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("mm-host runs");
        let (sender, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        RunningHost { child, lines, output: String::new() }
    }

    /// Reads lines until `done(output)` holds; fails with the output after `patience` without
    /// a new line, or when the output ends first.
    pub(crate) fn wait_for(&mut self, patience: std::time::Duration, done: impl Fn(&str) -> bool) {
        while !done(&self.output) {
            match self.lines.recv_timeout(patience) {
                Ok(line) => {
                    self.output.push_str(&line);
                    self.output.push('\n');
                }
                Err(_) => panic!("no progress; so far:\n{}", self.output),
            }
        }
    }

    /// The base URL of the HTTP front and the admin token, from the summary `run` prints.
    pub(crate) fn rest_api(&self) -> (String, String) {
        let line = self.output.lines().find(|l| l.contains("REST API:")).expect("the REST API line");
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("a URL");
        let token =
            line.split("Bearer ").nth(1).and_then(|rest| rest.split([',', ')']).next()).expect("a token");
        (url.trim_end_matches("/api/v4").to_owned(), token.to_owned())
    }

    /// Sends a Unix signal (`INT`, `TERM`) to mm-host.
    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill").args([format!("-{name}"), self.child.id().to_string()]).status();
        assert!(status.expect("kill runs").success());
    }

    /// Waits for mm-host to exit, reading the rest of its output; whether it exited with 0.
    pub(crate) fn finish(&mut self, patience: std::time::Duration) -> bool {
        let status = self.child.wait().expect("mm-host exits");
        while let Ok(line) = self.lines.recv_timeout(patience) {
            self.output.push_str(&line);
            self.output.push('\n');
        }
        status.success()
    }
}

impl Drop for RunningHost {
    fn drop(&mut self) {
        // A failed test must not leave mm-host (and its plugin) running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request to `base` (`http://127.0.0.1:<port>`) with plain std sockets; returns
/// the status and the body.
#[allow(dead_code)]
pub(crate) fn http_request(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use std::io::{Read, Write};
    let authority = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(authority).expect("connect to mm-host");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}
