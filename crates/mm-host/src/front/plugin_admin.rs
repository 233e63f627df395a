//! The REST routes that manage plugins, as `mm-host deploy` and the Go plugin template's
//! `make deploy` use them: `POST /api/v4/plugins` (upload a bundle, multipart field `plugin`,
//! `force=true` to replace), `POST /api/v4/plugins/{id}/enable` and `.../disable`. Like the
//! server they need `manage_system` and, for uploads, `PluginSettings.Enable` and
//! `EnableUploads`.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::ApiResult;
use super::permissions::require;
use crate::Host;
use crate::store::errors::app_error;

/// The largest bundle accepted: the server's default `FileSettings.MaxFileSize` (100 MiB).
const MAX_BUNDLE: usize = 100 * 1024 * 1024;

pub(crate) fn router() -> Router<Host> {
    Router::new()
        .route("/api/v4/plugins", post(upload).layer(DefaultBodyLimit::max(MAX_BUNDLE + 64 * 1024)))
        .route("/api/v4/plugins/{plugin_id}/enable", post(enable))
        .route("/api/v4/plugins/{plugin_id}/disable", post(disable))
}

fn require_admin(host: &Host, caller: &Caller) -> ApiResult<()> {
    let user = caller.user().id.clone();
    host.store().with(|s| require(s.has_permission(&user, "manage_system"), &user, &["manage_system"]))
}

/// `POST /api/v4/plugins`: installs the uploaded bundle (not started: enable it); 201 with
/// its manifest.
async fn upload(
    State(host): State<Host>,
    caller: Caller,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&host, &caller)?;
    host.plugin_uploads_allowed()?;
    let bad_form = |detail: String| {
        app_error(
            "api.plugin.upload.file.app_error",
            format!("Unable to open file in multipart/form request: {detail}"),
            400,
        )
    };
    let mut bundle = None;
    let mut force = false;
    while let Some(field) = form.next_field().await.map_err(|e| bad_form(e.to_string()))? {
        match field.name() {
            Some("plugin") if bundle.is_none() => {
                bundle = Some(field.bytes().await.map_err(|e| bad_form(e.to_string()))?);
            }
            Some("plugin") => {
                return Err(app_error(
                    "api.plugin.upload.file.app_error",
                    "Unable to open file in multipart/form request: more than one file.",
                    400,
                )
                .into());
            }
            Some("force") => force = field.text().await.map_err(|e| bad_form(e.to_string()))? == "true",
            _ => {}
        }
    }
    let Some(bundle) = bundle else {
        return Err(
            app_error("api.plugin.upload.array.app_error", "File array is empty in request.", 400).into()
        );
    };
    let manifest = host.install_plugin_bundle(&bundle, force).await?;
    Ok((StatusCode::CREATED, Json(json!(manifest.summary()))))
}

/// `POST /api/v4/plugins/{id}/enable`: starts the plugin (`{"status": "OK"}`).
async fn enable(
    State(host): State<Host>,
    caller: Caller,
    Path(plugin_id): Path<String>,
) -> ApiResult<Json<Value>> {
    require_admin(&host, &caller)?;
    host.enable_plugin(&plugin_id).await?;
    Ok(Json(json!({ "status": "OK" })))
}

/// `POST /api/v4/plugins/{id}/disable`: stops the plugin (`{"status": "OK"}`).
async fn disable(
    State(host): State<Host>,
    caller: Caller,
    Path(plugin_id): Path<String>,
) -> ApiResult<Json<Value>> {
    require_admin(&host, &caller)?;
    host.disable_plugin(&plugin_id).await?;
    Ok(Json(json!({ "status": "OK" })))
}
