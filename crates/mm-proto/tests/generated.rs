//! The committed generated code (`src/generated/`) is what `mm-codegen` makes of `proto/`,
//! `stock/` and `rpc.toml` today. A change to any of them without regenerating fails here,
//! with the command that regenerates:
//!
//! ```text
//! PROTO_BLESS=1 cargo test -p mm-proto --test generated
//! ```

#![allow(clippy::print_stdout)] // the count goes to the test log

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn the_committed_generated_code_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed_dir = crate_dir.join("src/generated");
    let files = mm_codegen::generate_mm_proto(crate_dir).unwrap_or_else(|e| panic!("{e}"));
    let bless = std::env::var_os("PROTO_BLESS").is_some();
    let mut stale = Vec::new();
    for file in &files {
        let path = committed_dir.join(&file.name);
        if std::fs::read(&path).ok().as_deref() == Some(&file.contents[..]) {
            continue;
        }
        if bless {
            std::fs::create_dir_all(&committed_dir).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
        } else {
            stale.push(file.name.clone());
        }
    }
    let generated: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let extra: Vec<String> = std::fs::read_dir(&committed_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !generated.contains(name.as_str()))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "src/generated/ is stale (differs: {stale:?}; no longer generated: {extra:?}): \
         regenerate with PROTO_BLESS=1 cargo test -p mm-proto --test generated"
    );
    println!("generated files current: {}/{}", files.len(), files.len());
}
