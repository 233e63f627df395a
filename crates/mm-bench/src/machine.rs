//! What machine a run measured on (for the report).

use std::process::Command;

/// The machine and tool versions of a run.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical CPUs available to the process.
    pub cores: usize,
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// MemTotal from /proc/meminfo, in bytes.
    pub memory: u64,
    /// PRETTY_NAME from /etc/os-release and the kernel release.
    pub os: String,
    /// `rustc --version` of the toolchain on the PATH.
    pub rustc: String,
}

impl Machine {
    /// Reads the description of this machine (unknown parts say so).
    pub fn describe() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = field(&cpuinfo, "model name", ':').unwrap_or_else(|| "unknown CPU".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = field(&meminfo, "MemTotal", ':')
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024);
        let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let name = field(&release, "PRETTY_NAME", '=').map(|v| v.trim_matches('"').to_string());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let os = format!("{}, Linux {}", name.as_deref().unwrap_or("unknown OS"), kernel.trim());
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown rustc".into());
        Machine { cores: std::thread::available_parallelism().map_or(0, |n| n.get()), cpu, memory, os, rustc }
    }
}

/// The value of the first `key<sep>value` line.
fn field(text: &str, key: &str, separator: char) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(separator)?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn reads_fields() {
        assert_eq!(field("model name\t: Xeon\nx: y", "model name", ':').as_deref(), Some("Xeon"));
        assert_eq!(field("PRETTY_NAME=\"Debian\"", "PRETTY_NAME", '=').as_deref(), Some("\"Debian\""));
        assert_eq!(field("a: b", "c", ':'), None);
    }
}
