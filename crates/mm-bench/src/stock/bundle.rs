//! Plugin bundles for a stock server: a `.tar.gz` with `<id>/plugin.json`, whose
//! `server.executables` names the binary, and the binary at that path.

use std::fs::File;
use std::path::Path;

use crate::error::BenchError;

/// Where a bundle puts the server binary (inside `<id>/`), for `platform` (`linux-amd64`).
pub fn executable_path(platform: &str) -> String {
    format!("server/dist/plugin-{platform}")
}

/// The platform key of this machine in `server.executables` (`linux-amd64`, `linux-arm64`,
/// `darwin-arm64`...), as the server spells it (Go's GOOS-GOARCH).
pub fn this_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}-{arch}", std::env::consts::OS)
}

/// Writes a bundle of `binary` as plugin `id` to `out`, for this machine's platform.
pub fn write_bundle(out: &Path, id: &str, name: &str, binary: &Path) -> Result<(), BenchError> {
    let platform = this_platform();
    let executable = executable_path(&platform);
    let manifest = serde_json::json!({
        "id": id,
        "name": name,
        "version": env!("CARGO_PKG_VERSION"),
        "min_server_version": "7.0.0",
        "server": { "executables": { platform: executable } },
    });
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| BenchError::Call(e.to_string()))?;
    let context = || format!("writing the bundle {}", out.display());
    let file = File::create(out).map_err(|e| BenchError::io(context(), e))?;
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    archive
        .append_data(&mut header, format!("{id}/plugin.json"), manifest.as_slice())
        .map_err(|e| BenchError::io(context(), e))?;
    let mut binary_file =
        File::open(binary).map_err(|e| BenchError::io(format!("reading {}", binary.display()), e))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(binary_file.metadata().map_err(|e| BenchError::io(context(), e))?.len());
    header.set_mode(0o755);
    header.set_cksum();
    archive
        .append_data(&mut header, format!("{id}/{executable}"), &mut binary_file)
        .map_err(|e| BenchError::io(context(), e))?;
    archive
        .into_inner()
        .and_then(|gz| gz.finish())
        .and_then(|file| file.sync_all())
        .map_err(|e| BenchError::io(context(), e))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_bundle_holds_the_manifest_and_the_binary_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("plugin");
        std::fs::write(&binary, b"#!/bin/sh\n").unwrap();
        let out = dir.path().join("bundle.tar.gz");
        write_bundle(&out, "com.example.b", "B", &binary).unwrap();

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(File::open(&out).unwrap()));
        let mut entries = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            entries.push((entry.path().unwrap().display().to_string(), entry.header().mode().unwrap(), body));
        }
        let (path, mode, manifest) = &entries[0];
        assert_eq!((path.as_str(), *mode), ("com.example.b/plugin.json", 0o644));
        let manifest: serde_json::Value = serde_json::from_slice(manifest).unwrap();
        assert_eq!(manifest["id"], "com.example.b");
        let exe = manifest["server"]["executables"][this_platform()].as_str().unwrap();
        assert_eq!(entries[1], (format!("com.example.b/{exe}"), 0o755, b"#!/bin/sh\n".to_vec()));
        assert_eq!(entries.len(), 2);
    }
}
