//! Compiles `proto/` (the gRPC contract) and `stock/` (what stock servers have beyond it) with
//! protox (no system `protoc`) and generates prost messages and tonic clients/servers, plus the
//! encoded descriptor set for reflection.

use std::error::Error;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The contract, then the stock-only declarations (which import the contract's files).
    let roots = [folder(manifest_dir, "proto")?, folder(manifest_dir, "stock")?];
    let mut relative = Vec::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect_protos(root, &mut files)?;
        files.sort();
        for file in files {
            relative.push(file.strip_prefix(root)?.to_path_buf());
        }
    }

    let mut compiler = protox::Compiler::new(&roots)?;
    compiler.include_source_info(true).include_imports(true);
    compiler.open_files(&relative)?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("descriptor_set.bin"), compiler.encode_file_descriptor_set())?;

    // The net/rpc mapping: the stock surface (generated from the Go module by
    // tools/netrpc-gen) joined with these descriptors, and the declared exceptions.
    if std::env::var_os("CARGO_FEATURE_NETRPC").is_some() {
        let stock = manifest_dir.join("stock");
        println!("cargo:rerun-if-changed={}", stock.join("surface.json").display());
        println!("cargo:rerun-if-changed={}", stock.join("mapping.toml").display());
        let surface = std::fs::read_to_string(stock.join("surface.json"))?;
        let mapping = std::fs::read_to_string(stock.join("mapping.toml"))?;
        let source = mm_codegen::netrpc::generate(&compiler.file_descriptor_set(), &surface, &mapping)?;
        std::fs::write(out_dir.join("netrpc.rs"), source)?;
    }

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(true)
        // Every `bytes` field as `bytes::Bytes`: body chunks, file contents and KV values are
        // shared, not copied, between the transport and the caller.
        .bytes(".")
        // Servers that implement part of a service (test doubles, the local host) answer
        // UNIMPLEMENTED for the rest instead of needing 236 hand-written stubs.
        .generate_default_stubs(true)
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}

fn folder(manifest_dir: &Path, name: &str) -> Result<PathBuf, Box<dyn Error>> {
    let path = manifest_dir.join(name);
    Ok(path.canonicalize().map_err(|e| format!("proto folder {}: {e}", path.display()))?)
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
