//! Everything `mm-proto` includes, generated from its declarations in one call.
//!
//! The output is committed under `crates/mm-proto/src/generated/`, so a plugin's build runs
//! neither protox nor prost-build (they were most of its cold critical path). `mm-proto`'s
//! test `generated` regenerates it and fails when the committed files differ; run it with
//! `PROTO_BLESS=1` to rewrite them after changing `proto/`, `stock/` or `rpc.toml`.

use std::path::{Path, PathBuf};

use crate::{Error, GatedServices, ServiceGate, ServiceSpec, Surface};

/// The services of the RPC table.
const SERVICES: &[ServiceSpec] = &[
    ServiceSpec { name: "mattermost.pluginapi.v1.PluginAPI", grpc: true },
    ServiceSpec { name: "mattermost.pluginapi.v1.StockPluginAPI", grpc: false },
];

/// The contract's rules for `mm-proto`'s RPC table.
pub const MM_PROTO_SURFACE: Surface<'static> = Surface {
    services: SERVICES,
    packages: &[("mattermost.pluginapi.v1", "crate::v1")],
    // The server answers OK with the AppError in the response for the RPCs of these files,
    // and a status for all others (see the contract's README).
    errors_in_body: &["posts", "kv", "files"],
    app_error: "mattermost.pluginapi.v1.AppError",
};

/// Which `mm-proto` feature compiles each side of each gRPC service.
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

/// One generated file: its name in `src/generated/` and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file name, such as `rpc_table.rs`.
    pub name: String,
    /// The bytes to commit.
    pub contents: Vec<u8>,
}

/// Generates every file `mm-proto` includes, from the crate's folder: `proto/` (the gRPC
/// contract) and `stock/` (what stock servers have beyond it) compiled with protox, the
/// retry-safety sidecar `rpc.toml`, and the Go surface and exceptions under `stock/`.
///
/// The files, sorted by name: the encoded descriptor set (`descriptor_set.bin`), the prost
/// messages with tonic's stubs behind features (one file per package), the net/rpc mapping
/// (`netrpc.rs`) and the RPC table (`rpc_table.rs`).
pub fn generate_mm_proto(crate_dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let compiler = compile(crate_dir)?;
    let fds = compiler.file_descriptor_set();

    let mut out = vec![GeneratedFile {
        name: "descriptor_set.bin".into(),
        contents: compiler.encode_file_descriptor_set(),
    }];
    let sidecar = read(&crate_dir.join("rpc.toml"))?;
    let rpcs = crate::read_rpcs(&fds, &MM_PROTO_SURFACE, &sidecar)?;
    out.push(GeneratedFile { name: "rpc_table.rs".into(), contents: crate::rpc_table(&rpcs).into_bytes() });

    // The net/rpc mapping: the stock surface (generated from the Go module by
    // tools/netrpc-gen) joined with these descriptors, and the declared exceptions.
    let stock = crate_dir.join("stock");
    let surface = read(&stock.join("surface.json"))?;
    let mapping = read(&stock.join("mapping.toml"))?;
    let netrpc = crate::netrpc::generate(&fds, &surface, &mapping).map_err(Error::new)?;
    out.push(GeneratedFile { name: "netrpc.rs".into(), contents: netrpc.into_bytes() });

    let requests: Vec<_> = fds
        .file
        .into_iter()
        .map(|file| (prost_build::Module::from_protobuf_package_name(file.package()), file))
        .collect();
    let modules = prost_build::Config::new()
        // Every `bytes` field as `bytes::Bytes`: body chunks, file contents and KV values are
        // shared, not copied, between the transport and the caller.
        .bytes(["."])
        .service_generator(Box::new(GatedServices::new(GATES)))
        .generate(requests)
        .map_err(|e| Error::new(format!("prost-build: {e}")))?;
    for (module, source) in modules {
        out.push(GeneratedFile { name: module.to_file_name_or("_"), contents: source.into_bytes() });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The descriptors of `mm-proto`'s `proto/` and `stock/` (with imports and source info), as
/// [`generate_mm_proto`] compiles them: for tests that check the declarations themselves.
pub fn mm_proto_descriptors(crate_dir: &Path) -> Result<prost_types::FileDescriptorSet, Error> {
    Ok(compile(crate_dir)?.file_descriptor_set())
}

/// Compiles every `.proto` under `proto/` (the contract) and `stock/` (the stock-only
/// declarations, which import the contract's files) with protox.
fn compile(crate_dir: &Path) -> Result<protox::Compiler, Error> {
    let roots = [crate_dir.join("proto"), crate_dir.join("stock")];
    let mut relative = Vec::new();
    for root in &roots {
        let mut files = Vec::new();
        collect_protos(root, &mut files)?;
        files.sort();
        for file in files {
            let name = file.strip_prefix(root).map_err(|e| Error::new(format!("{}: {e}", file.display())))?;
            relative.push(name.to_path_buf());
        }
    }
    let mut compiler = protox::Compiler::new(&roots).map_err(|e| Error::new(format!("protox: {e}")))?;
    compiler.include_source_info(true).include_imports(true);
    compiler.open_files(&relative).map_err(|e| Error::new(format!("protox: {e}")))?;
    Ok(compiler)
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::new(format!("reading {}: {e}", path.display())))
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Error::new(format!("reading {}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::new(format!("reading {}: {e}", dir.display())))?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
