//! The `plugin.json` a plugin was built with: `#[plugin]` embeds it, the runtime reads the id
//! and version from it, as Go plugins read the `manifest.go` their build generates.

use std::sync::Arc;

use crate::plugin::Plugin;

/// The manifest `plugin` was built with, if it has one that parses. A manifest that does not
/// parse is logged and ignored: the server checked it when the plugin was installed, so this
/// only happens to a plugin run by hand with a broken file.
pub(crate) fn embedded<P: Plugin>(plugin: &P) -> Option<Arc<mm_types::Manifest>> {
    let json = plugin.__manifest_json()?;
    match serde_json::from_str::<mm_types::Manifest>(json) {
        Ok(manifest) if !manifest.id.is_empty() => Some(Arc::new(manifest)),
        Ok(_) => {
            tracing::warn!("the plugin.json embedded at build time has no id; ignored");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "the plugin.json embedded at build time does not parse; ignored");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hook::Hook;

    struct Built(&'static str);

    impl Plugin for Built {
        fn __implemented_hooks(&self) -> &'static [Hook] {
            &[]
        }

        fn __manifest_json(&self) -> Option<&'static str> {
            Some(self.0)
        }
    }

    #[test]
    fn the_embedded_manifest_gives_id_and_version() {
        let manifest =
            embedded(&Built(r#"{"id": "com.example.x", "version": "1.2.3", "server": {}}"#)).unwrap();
        assert_eq!((manifest.id.as_str(), manifest.version.as_str()), ("com.example.x", "1.2.3"));
    }

    #[test]
    fn a_broken_or_idless_manifest_is_ignored() {
        assert!(embedded(&Built("{not json")).is_none());
        assert!(embedded(&Built(r#"{"name": "no id"}"#)).is_none());
    }
}
