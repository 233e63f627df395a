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

/// Writes `layout` to `path` (through a temporary file next to it, so a failed write never
/// leaves a truncated bundle); returns the archive's size in bytes.
pub(crate) fn write_archive(layout: &Layout, path: &Path, mtime: u64) -> Result<u64, BundleError> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    let result = write_to(layout, &partial, mtime);
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result?;
    std::fs::rename(&partial, path).map_err(|e| BundleError::io("write", path, e))?;
    let size = std::fs::metadata(path).map_err(|e| BundleError::io("read", path, e))?.len();
    Ok(size)
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
