//! Writes a layout as a reproducible `.tar.gz`: sorted entries under `<id>/`, fixed modes,
//! owner 0 and one fixed modification time, so the same inputs give the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{EntryType, Header};

use super::error::BundleError;
use super::layout::{DIR_MODE, Layout, Source};

/// The modification time of every entry unless `SOURCE_DATE_EPOCH` says otherwise:
/// 2020-01-01T00:00:00Z (a 1970 time makes GNU tar warn on extraction).
const DEFAULT_MTIME: u64 = 1_577_836_800;

/// The entries' modification time: `SOURCE_DATE_EPOCH` (the reproducible-builds convention)
/// when set, else a fixed date.
pub(crate) fn archive_mtime() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_MTIME)
}

/// Writes `layout` to `path` (through `<path>.partial` next to it, so a failed write never
/// leaves a truncated bundle, and an earlier bundle at `path` stays until the new one is
/// complete); returns the archive's size in bytes. Whatever fails, the `.partial` file is
/// removed.
pub(crate) fn write_archive(layout: &Layout, path: &Path, mtime: u64) -> Result<u64, BundleError> {
    let partial = PartialFile(PathBuf::from(format!("{}.partial", path.display())));
    write_to(layout, &partial.0, mtime)?;
    std::fs::rename(&partial.0, path).map_err(|e| BundleError::io("write", path, e))?;
    let size = std::fs::metadata(path).map_err(|e| BundleError::io("read", path, e))?.len();
    Ok(size)
}

/// A file being written; removed when dropped, which after a successful rename finds nothing.
struct PartialFile(PathBuf);

impl Drop for PartialFile {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.0) {
            Ok(()) => tracing::debug!(path = %self.0.display(), "removed the partial bundle"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %self.0.display(), "cannot remove the partial bundle: {e}"),
        }
    }
}

fn write_to(layout: &Layout, path: &Path, mtime: u64) -> Result<(), BundleError> {
    let failed = |e| BundleError::io("write", path, e);
    let file = File::create(path).map_err(failed)?;
    // The gzip header carries no file name and no time: only the content decides the bytes.
    let gzip = GzEncoder::new(BufWriter::new(file), Compression::default());
    let mut tar = tar::Builder::new(gzip);

    let root = &layout.root;
    let mut entries: Vec<(String, Option<&Source>, u32)> = vec![(format!("{root}/"), None, DIR_MODE)];
    entries.extend(layout.directories().into_iter().map(|dir| (format!("{root}/{dir}/"), None, DIR_MODE)));
    entries.extend(layout.files.iter().map(|(p, e)| (format!("{root}/{p}"), Some(&e.source), e.mode)));
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    for (name, source, mode) in entries {
        let mut header = Header::new_gnu();
        header.set_mode(mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        match source {
            None => {
                header.set_entry_type(EntryType::Directory);
                header.set_size(0);
                tar.append_data(&mut header, &name, std::io::empty()).map_err(failed)?;
            }
            Some(Source::Bytes(bytes)) => {
                header.set_entry_type(EntryType::Regular);
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, &name, bytes.as_slice()).map_err(failed)?;
            }
            Some(Source::File(source)) => {
                let file = File::open(source).map_err(|e| BundleError::io("read", source, e))?;
                let size = file.metadata().map_err(|e| BundleError::io("read", source, e))?.len();
                header.set_entry_type(EntryType::Regular);
                header.set_size(size);
                tar.append_data(&mut header, &name, file).map_err(|e| BundleError::io("read", source, e))?;
            }
        }
    }
    let gzip = tar.into_inner().map_err(failed)?;
    let mut writer = gzip.finish().map_err(failed)?;
    writer.flush().map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::bundle::layout::{Entry, FILE_MODE};

    fn layout(files: &[(&str, Source)]) -> Layout {
        let files: BTreeMap<String, Entry> = files
            .iter()
            .map(|(path, source)| ((*path).to_owned(), Entry { source: source.clone(), mode: FILE_MODE }))
            .collect();
        Layout { root: "com.example.x".into(), files }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_failing_midway_leaves_no_partial_file_and_keeps_the_old_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tar.gz");
        std::fs::write(&path, "the previous bundle").unwrap();
        // The first entry is written, then reading the second one's source fails.
        let broken = layout(&[
            ("a.txt", Source::Bytes(b"first".to_vec())),
            ("b.txt", Source::File(dir.path().join("vanished"))),
        ]);
        let err = write_archive(&broken, &path, DEFAULT_MTIME).unwrap_err();
        assert!(err.to_string().contains("vanished"), "{err}");
        assert_eq!(names(dir.path()), ["x.tar.gz"], "no x.tar.gz.partial");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the previous bundle");
    }

    #[test]
    fn a_bundle_that_cannot_take_its_place_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder (not empty) sits where the bundle goes: the final rename fails.
        let path = dir.path().join("x.tar.gz");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("keep"), "").unwrap();
        let good = layout(&[("a.txt", Source::Bytes(b"first".to_vec()))]);
        let err = write_archive(&good, &path, DEFAULT_MTIME).unwrap_err();
        assert!(err.to_string().starts_with(&format!("cannot write {}", path.display())), "{err}");
        assert_eq!(names(dir.path()), ["x.tar.gz"], "no x.tar.gz.partial");
        assert!(path.join("keep").exists());
    }

    #[test]
    fn a_good_write_leaves_only_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tar.gz");
        let size =
            write_archive(&layout(&[("a.txt", Source::Bytes(b"a".to_vec()))]), &path, DEFAULT_MTIME).unwrap();
        assert_eq!(size, std::fs::metadata(&path).unwrap().len());
        assert_eq!(names(dir.path()), ["x.tar.gz"]);
    }
}
