//! Where a manifest's server executable lives inside the plugin folder, by the server's rule.
//!
//! The server's plugin environment (`WithExecutableFromManifest` in
//! `server/public/plugin/supervisor.go`) resolves the executable as Go's
//! `filepath.Clean(filepath.Join(".", path))` and refuses the plugin ("invalid backend
//! executable") when the result starts with `..`. The host does the same, and refuses
//! absolute paths too: the server would silently read `/opt/x` as `opt/x` inside the plugin
//! folder, which is never what such a manifest means. So whatever the host runs, a server runs
//! the same file.

use std::fmt;

/// Why an executable path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRefusal {
    /// The path starts at `/`.
    Absolute,
    /// The cleaned path starts with `..`: it leaves the plugin folder.
    LeavesFolder,
    /// The cleaned path is the plugin folder itself (`.`, `a/..`).
    IsFolder,
}

impl fmt::Display for PathRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathRefusal::Absolute => {
                "is absolute; it must be relative to the plugin folder (a server would read it \
                 inside the plugin folder anyway)"
            }
            PathRefusal::LeavesFolder => {
                "leaves the plugin folder; the server refuses such plugins (\"invalid backend executable\")"
            }
            PathRefusal::IsFolder => "names the plugin folder itself, not a file in it",
        })
    }
}

/// `path` cleaned the way Go's `filepath.Clean(filepath.Join(".", path))` does on Unix, when it
/// stays inside the plugin folder.
///
/// ```text
/// server/dist/plugin  -> server/dist/plugin
/// ./a//b/../c         -> a/c
/// ../x, a/../../x     -> refused (leaves the folder)
/// /usr/bin/x          -> refused (absolute)
/// ```
pub(crate) fn clean_in_folder(path: &str) -> Result<String, PathRefusal> {
    if path.starts_with('/') {
        return Err(PathRefusal::Absolute);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let cleaned = parts.join("/");
    // The server's test is a string prefix, so a file named `..x` is refused too.
    if cleaned.starts_with("..") {
        return Err(PathRefusal::LeavesFolder);
    }
    if cleaned.is_empty() {
        return Err(PathRefusal::IsFolder);
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_folder_are_cleaned() {
        for (path, cleaned) in [
            ("server/dist/plugin", "server/dist/plugin"),
            ("./server//dist/./plugin", "server/dist/plugin"),
            ("a/../b", "b"),
            ("a/b/../../c", "c"),
            ("plugin", "plugin"),
            ("a/.../b", "a/.../b"),
        ] {
            assert_eq!(clean_in_folder(path).as_deref(), Ok(cleaned), "{path}");
        }
    }

    #[test]
    fn paths_leaving_the_folder_are_refused() {
        for path in ["../x", "a/../../x", "..", "./../x", "a/b/../../../x", "..x"] {
            assert_eq!(clean_in_folder(path), Err(PathRefusal::LeavesFolder), "{path}");
        }
        for path in ["/usr/bin/x", "/", "//x"] {
            assert_eq!(clean_in_folder(path), Err(PathRefusal::Absolute), "{path}");
        }
        for path in ["", ".", "a/..", "./"] {
            assert_eq!(clean_in_folder(path), Err(PathRefusal::IsFolder), "{path}");
        }
    }
}
