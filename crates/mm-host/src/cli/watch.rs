//! `mm-host run <folder> --watch`: rebuild the plugin crate and restart the plugin when its
//! sources change. Polls modification times (no platform file watcher needed): `src/`,
//! `Cargo.toml`, `build.rs` and `plugin.json` of the plugin folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the sources are looked at.
pub(crate) const POLL: Duration = Duration::from_millis(500);

/// What the sources looked like at the last look: their paths and modification times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot(Vec<(PathBuf, SystemTime)>);

impl Snapshot {
    /// The plugin folder's sources now.
    pub(crate) fn take(dir: &Path) -> Snapshot {
        let mut files = Vec::new();
        for name in ["Cargo.toml", "build.rs", "plugin.json"] {
            add(&dir.join(name), &mut files);
        }
        walk(&dir.join("src"), &mut files);
        files.sort();
        Snapshot(files)
    }
}

fn add(path: &Path, files: &mut Vec<(PathBuf, SystemTime)>) {
    if let Ok(modified) = path.metadata().and_then(|m| m.modified()) {
        files.push((path.to_path_buf(), modified));
    }
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, SystemTime)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            add(&path, files);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_added_or_removed_source_changes_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/nested")).unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}").unwrap();
        let first = Snapshot::take(dir.path());
        assert_eq!(first, Snapshot::take(dir.path()), "nothing changed");

        std::fs::write(dir.path().join("src/nested/more.rs"), "").unwrap();
        let added = Snapshot::take(dir.path());
        assert_ne!(added, first);

        let file = std::fs::File::options().write(true).open(dir.path().join("src/main.rs")).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(5)).unwrap();
        assert_ne!(Snapshot::take(dir.path()), added, "a newer modification time");

        std::fs::remove_file(dir.path().join("src/nested/more.rs")).unwrap();
        assert_ne!(Snapshot::take(dir.path()), added);
    }
}
