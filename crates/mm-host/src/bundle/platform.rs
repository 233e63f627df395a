//! The server platforms a bundle is made for, their Rust targets, and checks that a binary
//! really is an executable for one of them.

use std::fmt;
use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use super::error::BundleError;

/// A platform a Mattermost server runs on, named as the server names it (`linux-amd64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Platform {
    /// 64-bit x86 Linux (`x86_64-unknown-linux-gnu`).
    LinuxAmd64,
    /// 64-bit ARM Linux (`aarch64-unknown-linux-gnu`).
    LinuxArm64,
}

impl Platform {
    /// Every platform the bundler knows.
    pub const ALL: [Platform; 2] = [Platform::LinuxAmd64, Platform::LinuxArm64];

    /// The server's name: `<os>-<arch>` as Go spells them.
    pub fn key(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "linux-amd64",
            Platform::LinuxArm64 => "linux-arm64",
        }
    }

    /// The Rust target triple that builds for it.
    pub fn rust_target(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "x86_64-unknown-linux-gnu",
            Platform::LinuxArm64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// How to get a linker for the platform on a Debian-like system.
    pub(crate) fn linker_hint(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => {
                "on another architecture e.g. `apt install gcc-x86-64-linux-gnu` and \
                 CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=x86_64-linux-gnu-gcc"
            }
            Platform::LinuxArm64 => {
                "e.g. `apt install gcc-aarch64-linux-gnu` and \
                 CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc"
            }
        }
    }

    /// ELF `e_machine` of the platform's executables.
    fn elf_machine(self) -> u16 {
        match self {
            Platform::LinuxAmd64 => 62,
            Platform::LinuxArm64 => 183,
        }
    }

    pub(crate) fn keys() -> String {
        Platform::ALL.iter().map(|p| p.key()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Platform {
    type Err = BundleError;

    /// Parses a server platform name (`linux-amd64`) or a Rust target triple.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.key() == text || p.rust_target() == text)
            .ok_or_else(|| BundleError::UnknownPlatform { given: text.to_owned() })
    }
}

/// The Rust targets rustup has installed, or `None` when rustup cannot tell (not installed:
/// a toolchain from elsewhere, whose targets are unknown).
pub(crate) fn installed_rust_targets() -> Option<Vec<String>> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).lines().map(|l| l.trim().to_owned()).collect())
}

/// Checks that `path` is a 64-bit little-endian Linux ELF executable for `platform`: a
/// binary for another system fails only later, on the server, with a much vaguer error.
pub(crate) fn check_binary(path: &Path, platform: Platform) -> Result<(), BundleError> {
    let mismatch = |found: String| BundleError::BinaryMismatch { path: path.to_path_buf(), platform, found };
    let mut header = Vec::with_capacity(20);
    let file = std::fs::File::open(path).map_err(|e| BundleError::io("open the plugin binary", path, e))?;
    file.take(20).read_to_end(&mut header).map_err(|e| BundleError::io("read the plugin binary", path, e))?;
    if !header.starts_with(b"\x7fELF") {
        return Err(mismatch("it is not an ELF file (built for macOS or Windows, or not a binary?)".into()));
    }
    if header.len() < 20 {
        return Err(mismatch("the file is too short to be an executable".into()));
    }
    if header[4] != 2 || header[5] != 1 {
        return Err(mismatch("it is not a 64-bit little-endian ELF file".into()));
    }
    let machine = u16::from_le_bytes([header[18], header[19]]);
    if machine != platform.elf_machine() {
        let name = Platform::ALL.into_iter().find(|p| p.elf_machine() == machine);
        return Err(mismatch(match name {
            Some(other) => format!("it is built for {other}"),
            None => format!("it is built for ELF machine {machine}"),
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_triples_parse() {
        for platform in Platform::ALL {
            assert_eq!(platform.key().parse::<Platform>().unwrap(), platform);
            assert_eq!(platform.rust_target().parse::<Platform>().unwrap(), platform);
            assert_eq!(platform.to_string(), platform.key());
        }
        let err = "darwin-arm64".parse::<Platform>().unwrap_err();
        assert!(err.to_string().contains("linux-amd64, linux-arm64"), "{err}");
    }

    #[test]
    fn recognises_elf_machines() {
        let dir = tempfile::tempdir().unwrap();
        let elf = |machine: u16| {
            let mut bytes = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
            bytes.resize(18, 0);
            bytes.extend_from_slice(&machine.to_le_bytes());
            bytes.resize(64, 0);
            bytes
        };
        let file = dir.path().join("bin");
        std::fs::write(&file, elf(183)).unwrap();
        assert!(check_binary(&file, Platform::LinuxArm64).is_ok());
        let err = check_binary(&file, Platform::LinuxAmd64).unwrap_err();
        assert!(err.to_string().contains("it is built for linux-arm64"), "{err}");
        std::fs::write(&file, b"#!/bin/sh\necho not a binary at all\n").unwrap();
        let err = check_binary(&file, Platform::LinuxAmd64).unwrap_err();
        assert!(err.to_string().contains("not an ELF file"), "{err}");
        std::fs::write(&file, b"\x7fELF\x02\x01").unwrap();
        assert!(check_binary(&file, Platform::LinuxAmd64).unwrap_err().to_string().contains("too short"));
    }
}
