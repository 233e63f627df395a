//! Memory of a plugin process, from `/proc` (Linux).

use crate::error::BenchError;

/// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in bytes.
pub fn status_bytes(pid: u32, field: &str) -> Result<u64, BenchError> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).map_err(|e| BenchError::io(format!("reading {path}"), e))?;
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(field)?.strip_prefix(':')?;
            rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok()
        })
        .map(|kib| kib * 1024)
        .ok_or_else(|| {
            BenchError::io(format!("reading {field} in {path}"), std::io::ErrorKind::NotFound.into())
        })
}

/// The resident set size now.
pub fn rss(pid: u32) -> Result<u64, BenchError> {
    status_bytes(pid, "VmRSS")
}

/// The peak resident set size since the start or the last [`reset_peak`].
pub fn peak_rss(pid: u32) -> Result<u64, BenchError> {
    status_bytes(pid, "VmHWM")
}

/// Resets the peak resident set size to the current one (`clear_refs` 5, our own child).
pub fn reset_peak(pid: u32) -> Result<(), BenchError> {
    let path = format!("/proc/{pid}/clear_refs");
    std::fs::write(&path, "5").map_err(|e| BenchError::io(format!("writing {path}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        let rss = rss(pid).unwrap();
        assert!(rss > 0);
        assert!(peak_rss(pid).unwrap() >= rss / 2);
        assert!(status_bytes(pid, "NoSuchField").is_err());
    }
}
