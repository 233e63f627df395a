//! The net/rpc mapping of this repository's declarations builds without problems.

use std::path::Path;

#[test]
fn the_repository_declarations_map_completely() {
    let proto = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mm-proto");
    let roots = [proto.join("proto"), proto.join("stock")];
    let mut files = Vec::new();
    for root in &roots {
        collect(root, root, &mut files);
    }
    let mut compiler = protox::Compiler::new(&roots).expect("compiler");
    compiler.include_imports(true);
    compiler.open_files(&files).expect("proto files compile");
    let set = compiler.file_descriptor_set();
    let surface = std::fs::read_to_string(proto.join("stock/surface.json")).expect("surface.json");
    let mapping = std::fs::read_to_string(proto.join("stock/mapping.toml")).unwrap_or_default();
    match mm_codegen::netrpc::check(&set, &surface, &mapping) {
        Ok(summary) => println!("{summary}"),
        Err(problems) => panic!("{problems}"),
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path.strip_prefix(root).expect("under root").to_path_buf());
        }
    }
}

#[test]
fn the_mapping_generates_source() {
    let proto = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mm-proto");
    let roots = [proto.join("proto"), proto.join("stock")];
    let mut files = Vec::new();
    for root in &roots {
        collect(root, root, &mut files);
    }
    let mut compiler = protox::Compiler::new(&roots).expect("compiler");
    compiler.include_imports(true);
    compiler.open_files(&files).expect("proto files compile");
    let set = compiler.file_descriptor_set();
    let surface = std::fs::read_to_string(proto.join("stock/surface.json")).expect("surface.json");
    let mapping = std::fs::read_to_string(proto.join("stock/mapping.toml")).expect("mapping.toml");
    let source = mm_codegen::netrpc::generate(&set, &surface, &mapping).unwrap_or_else(|e| panic!("{e}"));
    if let Ok(dump) = std::env::var("NETRPC_DUMP") {
        std::fs::write(dump, &source).expect("dump");
    }
    assert!(source.contains("impl ::mm_gob::Encode for v1::Post {"));
}
