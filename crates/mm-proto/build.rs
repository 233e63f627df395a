//! Compiles `proto/` (the gRPC contract) and `stock/` (what stock servers have beyond it, on
//! their net/rpc protocol only) with protox (no system `protoc`), then writes into `OUT_DIR`:
//! - the prost messages and, through `mm_codegen::GatedServices`, tonic's stubs, each behind
//!   the feature of the crates that use it;
//! - the RPC table (`rpc_table.rs`), from the descriptors and the safety sidecar `rpc.toml`;
//! - with the `netrpc` feature, the net/rpc mapping (`netrpc.rs`), from the descriptors, the
//!   Go surface `stock/surface.json` and the exceptions `stock/mapping.toml`;
//! - the encoded descriptor set, for reflection and for tests that derive lists from it.

use std::error::Error;
use std::path::{Path, PathBuf};

use mm_codegen::{ServiceGate, ServiceSpec, Surface};

/// The services of the RPC table.
const SERVICES: &[ServiceSpec] = &[
    ServiceSpec { name: "mattermost.pluginapi.v1.PluginAPI", grpc: true },
    ServiceSpec { name: "mattermost.pluginapi.v1.StockPluginAPI", grpc: false },
];

/// The contract's rules, read by the table generator.
const SURFACE: Surface<'static> = Surface {
    services: SERVICES,
    packages: &[("mattermost.pluginapi.v1", "crate::v1")],
    // The server answers OK with the AppError in the response for the RPCs of these files,
    // and a status for all others (see the contract's README).
    errors_in_body: &["posts", "kv", "files"],
    app_error: "mattermost.pluginapi.v1.AppError",
};

/// Which feature compiles each side of each gRPC service.
const GATES: &[ServiceGate] = &[
    ServiceGate {
        service: "mattermost.pluginapi.v1.PluginAPI",
        client: Some("api-client"),
        server: Some("api-server"),
    },
    ServiceGate {
        service: "mattermost.pluginapi.v1.PluginHooks",
        client: Some("hooks-client"),
        server: Some("hooks-server"),
    },
    ServiceGate {
        service: "plugin.GRPCController",
        client: Some("hooks-client"),
        server: Some("hooks-server"),
    },
    ServiceGate { service: "plugin.GRPCStdio", client: Some("hooks-client"), server: Some("hooks-server") },
];

fn main() -> Result<(), Box<dyn Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The contract, then the stock-only declarations (which import the contract's files).
    let roots = [folder(crate_dir, "proto")?, folder(crate_dir, "stock")?];
    let sidecar_path = crate_dir.join("rpc.toml");
    println!("cargo:rerun-if-changed={}", sidecar_path.display());
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
    let fds = compiler.file_descriptor_set();

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("descriptor_set.bin"), compiler.encode_file_descriptor_set())?;

    let sidecar = std::fs::read_to_string(&sidecar_path)
        .map_err(|e| format!("reading {}: {e}", sidecar_path.display()))?;
    let rpcs = mm_codegen::read_rpcs(&fds, &SURFACE, &sidecar)?;
    std::fs::write(out_dir.join("rpc_table.rs"), mm_codegen::rpc_table(&rpcs))?;

    // The net/rpc mapping: the stock surface (generated from the Go module by
    // tools/netrpc-gen) joined with these descriptors, and the declared exceptions.
    if std::env::var_os("CARGO_FEATURE_NETRPC").is_some() {
        let stock = crate_dir.join("stock");
        println!("cargo:rerun-if-changed={}", stock.join("surface.json").display());
        println!("cargo:rerun-if-changed={}", stock.join("mapping.toml").display());
        let surface = std::fs::read_to_string(stock.join("surface.json"))?;
        let mapping = std::fs::read_to_string(stock.join("mapping.toml"))?;
        let source = mm_codegen::netrpc::generate(&fds, &surface, &mapping)?;
        std::fs::write(out_dir.join("netrpc.rs"), source)?;
    }

    prost_build::Config::new()
        // Every `bytes` field as `bytes::Bytes`: body chunks, file contents and KV values are
        // shared, not copied, between the transport and the caller.
        .bytes(["."])
        .service_generator(Box::new(mm_codegen::GatedServices::new(GATES)))
        .compile_fds(fds)?;
    Ok(())
}

fn folder(crate_dir: &Path, name: &str) -> Result<PathBuf, Box<dyn Error>> {
    let path = crate_dir.join(name);
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
