//! `mm-host deploy`: uploads a bundle to a server (or a running mm-host) and enables it, as
//! the Go plugin template's `make deploy` does: `POST /api/v4/plugins` with `force=true`, then
//! `POST /api/v4/plugins/{id}/enable`.

use std::path::{Path, PathBuf};

use hyper::body::Bytes;

use super::output::Printer;
use super::{CliError, DeployArgs, http_get};

pub(crate) async fn deploy(args: DeployArgs, printer: Printer) -> Result<(), CliError> {
    let bundle = match args.bundle {
        Some(bundle) => bundle,
        None => newest_bundle(Path::new("dist"))?,
    };
    let data = std::fs::read(&bundle).map_err(|e| CliError(format!("reading {}: {e}", bundle.display())))?;
    let url = args.url.trim_end_matches('/');
    let auth = ("Authorization", format!("Bearer {}", args.token));
    // The token first, with a small request: a server answers a refused upload before reading
    // the bundle and closes the connection, which would leave only a broken-pipe error.
    let (status, text) = http_get::send(
        hyper::Method::GET,
        &format!("{url}/api/v4/users/me"),
        std::slice::from_ref(&auth),
        Bytes::new(),
    )
    .await?;
    if status != 200 {
        return Err(CliError(format!("the server refused the token ({status}): {}", server_message(&text))));
    }
    printer.step(&format!("Uploading {} ({} KiB) to {url}", bundle.display(), data.len() / 1024));
    let boundary = format!("mm-host-deploy-{:016x}", data.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
    let file_name = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plugin.tar.gz".into());
    let body = multipart(&boundary, &file_name, &data);
    let (status, text) = http_get::send(
        hyper::Method::POST,
        &format!("{url}/api/v4/plugins"),
        &[auth.clone(), ("Content-Type", format!("multipart/form-data; boundary={boundary}"))],
        body,
    )
    .await
    .map_err(|CliError(error)| {
        // A server that refuses an upload answers before reading it and closes the connection.
        CliError(format!(
            "{error} (the server may have refused the bundle before reading it: are plugin uploads \
             enabled, PluginSettings.EnableUploads, and is the bundle within FileSettings.MaxFileSize?)"
        ))
    })?;
    if status != 201 {
        return Err(CliError(format!("the server refused the upload ({status}): {}", server_message(&text))));
    }
    let manifest: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError(format!("the server's answer to the upload is not a manifest ({e}): {text}"))
    })?;
    let id = manifest["id"].as_str().unwrap_or_default().to_owned();
    if id.is_empty() {
        return Err(CliError(format!("the server's answer to the upload has no plugin id: {text}")));
    }
    printer.ok(&format!("installed {id} {}", manifest["version"].as_str().unwrap_or_default()));
    let (status, text) = http_get::send(
        hyper::Method::POST,
        &format!("{url}/api/v4/plugins/{id}/enable"),
        &[auth],
        Bytes::new(),
    )
    .await?;
    if status != 200 {
        return Err(CliError(format!(
            "the server did not enable {id} ({status}): {}",
            server_message(&text)
        )));
    }
    printer.ok(&format!("enabled {id}: {url}/plugins/{id}/"));
    Ok(())
}

/// The `.tar.gz` in `dir` (what `mm-host bundle` writes): the only one, else the newest
/// `linux-amd64` one.
fn newest_bundle(dir: &Path) -> Result<PathBuf, CliError> {
    let mut bundles: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| {
            CliError(format!(
                "no bundle given and no {} folder ({e}): run `mm-host bundle` first",
                dir.display()
            ))
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".tar.gz"))
        .filter_map(|path| Some((path.metadata().ok()?.modified().ok()?, path)))
        .collect();
    if bundles.len() > 1 {
        bundles.retain(|(_, path)| path.to_string_lossy().ends_with("-linux-amd64.tar.gz"));
    }
    bundles.sort();
    bundles
        .pop()
        .map(|(_, path)| path)
        .ok_or_else(|| CliError(format!("no bundle in {}: run `mm-host bundle` first", dir.display())))
}

/// A `multipart/form-data` body with the bundle as field `plugin` and `force=true`.
fn multipart(boundary: &str, file_name: &str, data: &[u8]) -> Bytes {
    let mut body = Vec::with_capacity(data.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"force\"\r\n\r\ntrue\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"plugin\"; filename=\"{}\"\r\n\
             Content-Type: application/gzip\r\n\r\n",
            file_name.replace('"', "")
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Bytes::from(body)
}

/// The `message` of a Mattermost JSON error, or the text as it came.
fn server_message(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|error| {
            error["message"].as_str().map(|m| format!("{m} ({})", error["id"].as_str().unwrap_or("")))
        })
        .unwrap_or_else(|| text.to_owned())
}
