//! Configuration, plugins, logging, system facts and slash commands.

use bytes::Bytes;
use mm_proto::v1 as wire;
use mm_types::convert::IntoWire;
use mm_types::{AppError, Command, CommandArgs, JsonMap, ServerConfig};
use serde_json::Value;

use super::{id, json_error, opt_id, wires};
use crate::api::router::{ApiFailure, ApiRouter, answer, domain, required};
use crate::store::{LogLevel, OutboundKind, errors};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // configuration
    router.route(|api, _r: wire::LoadPluginConfigurationRequest| {
        // The server's: manifest defaults, then the stored settings, keys lower-cased.
        let settings = api.host.plugin_settings(&api.plugin_id);
        let config_json = Bytes::from(serde_json::to_vec(&settings).unwrap_or_default());
        Ok(wire::LoadPluginConfigurationResponse { error: None, config_json })
    });
    router.route(|api, _r: wire::GetConfigRequest| {
        Ok(wire::GetConfigResponse { error: None, config_json: api.config_json(true) })
    });
    router.route(|api, _r: wire::GetUnsanitizedConfigRequest| {
        Ok(wire::GetUnsanitizedConfigResponse { error: None, config_json: api.config_json(false) })
    });
    router.route_async(|api, r: wire::SaveConfigRequest| async move {
        let config = ServerConfig::new(mm_types::RawJson::from_bytes(r.config_json));
        let parsed = config.to_value().map(|_| config).map_err(json_error);
        let result = match parsed {
            Ok(config) => api.host.save_config(config).await,
            Err(e) => Err(e),
        };
        answer(result, |()| wire::SaveConfigResponse { error: None })
    });
    router.route(|api, _r: wire::GetPluginConfigRequest| {
        let settings = api.host.store().plugin_config(&api.plugin_id);
        Ok(wire::GetPluginConfigResponse {
            error: None,
            config: Some(mm_types::convert::IntoWire::into_wire(settings)),
        })
    });
    router.route_async(|api, r: wire::SavePluginConfigRequest| async move {
        let settings: JsonMap = domain(r.config.unwrap_or_default())?;
        let result = api.host.save_plugin_config(&api.plugin_id, settings).await;
        answer(result, |()| wire::SavePluginConfigResponse { error: None })
    });

    // plugins
    router.route(|api, _r: wire::GetPluginsRequest| {
        let manifests = api.host.plugin_manifests();
        Ok(wire::GetPluginsResponse { error: None, manifests: wires(manifests) })
    });
    router.route(|api, _r: wire::GetBundlePathRequest| {
        // The server answers `<PluginSettings.Directory>/<id>` made absolute, where it unpacked
        // the plugin; mm-host answers the folder it launched the plugin from.
        let path = api.host.bundle_path(&api.plugin_id).display().to_string();
        Ok(wire::GetBundlePathResponse { error: None, path })
    });
    router.route_async(|api, r: wire::EnablePluginRequest| async move {
        answer(api.host.enable_plugin(&r.id).await, |()| wire::EnablePluginResponse { error: None })
    });
    router.route_async(|api, r: wire::DisablePluginRequest| async move {
        answer(api.host.disable_plugin(&r.id).await, |()| wire::DisablePluginResponse { error: None })
    });
    router.route_async(|api, r: wire::RemovePluginRequest| async move {
        answer(api.host.remove_plugin(&r.id).await, |()| wire::RemovePluginResponse { error: None })
    });
    router.route_async(|api, r: wire::InstallPluginRequest| async move {
        // plugin_api.go InstallPlugin: 501 unless PluginSettings.Enable and EnableUploads
        // (off by default), then the same install as `POST /api/v4/plugins`.
        let installed = match api.host.plugin_uploads_allowed() {
            Ok(()) => api.host.install_plugin_bundle(&r.file_data, r.replace).await,
            Err(error) => Err(error),
        };
        answer(installed, |manifest| wire::InstallPluginResponse {
            error: None,
            manifest: Some(manifest.summary().into_wire()),
        })
    });
    router.route(|api, r: wire::GetPluginStatusRequest| {
        let status = api.host.plugin_status(&r.id);
        answer(status, |st| wire::GetPluginStatusResponse { error: None, status: Some(st.into()) })
    });
    router.route(|_api, _r: wire::GetPluginIdRequest| {
        // The server answers this one UNIMPLEMENTED to every gRPC plugin (the plugin knows its id).
        Err(ApiFailure::Unimplemented(
            "GetPluginID is not available over gRPC: the plugin knows its own id".into(),
        ))
    });
    router.route_async(|api, r: wire::PluginHttpRequest| async move {
        Ok(crate::api::inter_plugin::forward(&api.host, &api.plugin_id, r).await)
    });

    // logging
    router.route(|api, r: wire::LogDebugRequest| {
        api.log(LogLevel::Debug, r.msg, r.key_value_pairs);
        Ok(wire::LogDebugResponse { error: None })
    });
    router.route(|api, r: wire::LogInfoRequest| {
        api.log(LogLevel::Info, r.msg, r.key_value_pairs);
        Ok(wire::LogInfoResponse { error: None })
    });
    router.route(|api, r: wire::LogErrorRequest| {
        api.log(LogLevel::Error, r.msg, r.key_value_pairs);
        Ok(wire::LogErrorResponse { error: None })
    });
    router.route(|api, r: wire::LogWarnRequest| {
        api.log(LogLevel::Warn, r.msg, r.key_value_pairs);
        Ok(wire::LogWarnResponse { error: None })
    });
    router.route(|api, r: wire::LogAuditRecRequest| {
        let record: mm_types::AuditRecord = domain(required(r.record, "record")?)?;
        api.record(OutboundKind::AuditRecord, serde_json::to_value(&record).unwrap_or(Value::Null));
        Ok(wire::LogAuditRecResponse { error: None })
    });
    router.route(|api, r: wire::LogAuditRecWithLevelRequest| {
        let record: mm_types::AuditRecord = domain(required(r.record, "record")?)?;
        let mut payload = serde_json::to_value(&record).unwrap_or(Value::Null);
        if let Some(map) = payload.as_object_mut() {
            map.insert("level".into(), Value::String(r.level));
        }
        api.record(OutboundKind::AuditRecord, payload);
        Ok(wire::LogAuditRecWithLevelResponse { error: None })
    });

    // system
    router.route(|api, _r: wire::GetLicenseRequest| {
        let license_json = match &api.host.inner.license {
            Some(license) => Bytes::from(serde_json::to_vec(license).unwrap_or_default()),
            None => Bytes::new(),
        };
        Ok(wire::GetLicenseResponse { error: None, license_json })
    });
    router.route(|_api, _r: wire::IsEnterpriseReadyRequest| {
        Ok(wire::IsEnterpriseReadyResponse { error: None, is_enterprise_ready: false })
    });
    router.route(|api, _r: wire::GetServerVersionRequest| {
        Ok(wire::GetServerVersionResponse { error: None, version: api.host.inner.server_version.clone() })
    });
    router.route(|api, _r: wire::GetSystemInstallDateRequest| {
        let install_date = api.host.inner.started_at.as_millis();
        Ok(wire::GetSystemInstallDateResponse { error: None, install_date })
    });
    router.route(|api, _r: wire::GetDiagnosticIdRequest| {
        let diagnostic_id = api.host.inner.diagnostic_id.clone();
        Ok(wire::GetDiagnosticIdResponse { error: None, diagnostic_id })
    });
    router.route(|api, _r: wire::GetTelemetryIdRequest| {
        let telemetry_id = api.host.inner.diagnostic_id.clone();
        Ok(wire::GetTelemetryIdResponse { error: None, telemetry_id })
    });
    router.route(|api, r: wire::RequestTrialLicenseRequest| {
        Err(ApiFailure::from(trial_license_refusal(api, &r)))
    });
    router.route(|_api, _r: wire::GetCloudLimitsRequest| {
        // Not a cloud server: no limits, as the server answers outside the cloud.
        Ok(wire::GetCloudLimitsResponse { error: None, limits_json: Bytes::from_static(b"{}") })
    });

    // slash commands
    router.route(|api, r: wire::RegisterCommandRequest| {
        let command: Command = domain(required(r.command, "command")?)?;
        let result = api.with(|s| s.register_plugin_command(&api.plugin_id, command));
        answer(result, |()| wire::RegisterCommandResponse { error: None })
    });
    router.route(|api, r: wire::UnregisterCommandRequest| {
        let team = opt_id(r.team_id);
        api.with(|s| s.unregister_plugin_command(&api.plugin_id, team.as_ref(), &r.trigger));
        Ok(wire::UnregisterCommandResponse { error: None })
    });
    router.route_async(|api, r: wire::ExecuteSlashCommandRequest| async move {
        let args: CommandArgs = domain(required(r.command_args, "command_args")?)?;
        let response = api.host.execute_command(args).await;
        answer(response, |res| wire::ExecuteSlashCommandResponse { error: None, response: Some(res.into()) })
    });
    router.route(|api, r: wire::CreateCommandRequest| {
        let mut command: Command = domain(required(r.cmd, "cmd")?)?;
        // The server's CreateCommand (plugin_api.go): no creator, the calling plugin owns it.
        command.creator_id = None;
        command.plugin_id = api.plugin_id.clone();
        let created = api.with(|s| s.create_custom_command(command));
        answer(created, |c| wire::CreateCommandResponse { error: None, command: Some(c.into()) })
    });
    // The server's List*Commands never check the team (plugin_api.go): an unknown team has
    // no custom commands, and the plugin commands registered for every team.
    router.route(|api, r: wire::ListCommandsRequest| {
        let team = id(r.team_id);
        let commands = api.with(|s| {
            // The server's order (plugin_api.go ListCommands): plugin, built-in, custom.
            let mut all = s.plugin_commands_for_team(&team);
            all.extend(s.built_in_commands());
            all.extend(s.custom_commands_for_team(&team));
            all
        });
        Ok(wire::ListCommandsResponse { error: None, commands: wires(commands) })
    });
    router.route(|api, r: wire::ListCustomCommandsRequest| {
        let team = id(r.team_id);
        let commands = api.with(|s| s.custom_commands_for_team(&team));
        Ok(wire::ListCustomCommandsResponse { error: None, commands: wires(commands) })
    });
    router.route(|api, r: wire::ListPluginCommandsRequest| {
        let team = id(r.team_id);
        let commands = api.with(|s| s.plugin_commands_for_team(&team));
        Ok(wire::ListPluginCommandsResponse { error: None, commands: wires(commands) })
    });
    router.route(|api, _r: wire::ListBuiltInCommandsRequest| {
        let commands = api.with(|s| s.built_in_commands());
        Ok(wire::ListBuiltInCommandsResponse { error: None, commands: wires(commands) })
    });
    router.route(|api, r: wire::GetCommandRequest| {
        let command = api.with(|s| s.custom_command(&id(r.command_id)));
        answer(command, |c| wire::GetCommandResponse { error: None, command: Some(c.into()) })
    });
    router.route(|api, r: wire::UpdateCommandRequest| {
        let update: Command = domain(required(r.updated_cmd, "updated_cmd")?)?;
        let command = api.with(|s| s.update_custom_command(&api.plugin_id, &id(r.command_id), update));
        answer(command, |c| wire::UpdateCommandResponse { error: None, command: Some(c.into()) })
    });
    router.route(|api, r: wire::DeleteCommandRequest| {
        api.with(|s| s.delete_custom_command(&id(r.command_id)));
        Ok(wire::DeleteCommandResponse { error: None })
    });
}

/// Why `RequestTrialLicense` fails on mm-host, in the server's order (plugin_api.go and
/// app/license.go): a restricted system admin (403), terms not accepted or no users (400), an
/// unknown requester (404), and then the request to the license server, which mm-host never
/// makes: the server's answer when that request fails (400), as on a server without network.
fn trial_license_refusal(api: &crate::api::router::Api, r: &wire::RequestTrialLicenseRequest) -> AppError {
    let config = api.host.store().config();
    let restricted =
        config.pointer("/ExperimentalSettings/RestrictSystemAdmin").and_then(Value::as_bool).unwrap_or(false);
    if restricted {
        return errors::forbidden(
            "api.restricted_system_admin",
            "This action is forbidden to a restricted system admin.",
        );
    }
    if !r.terms_accepted {
        return errors::bad_request(
            "api.license.request-trial.bad-request.terms-not-accepted",
            "You must accept the Mattermost Software Evaluation Agreement and Privacy Policy to request a license.",
        );
    }
    if r.users == 0 {
        return errors::bad_request(
            "api.license.request-trial.bad-request",
            "The number of users requested is not correct.",
        );
    }
    if api.with(|s| s.user(&id(r.requester_id.clone())).is_err()) {
        return errors::not_found("app.user.missing_account.const", "Unable to find the user.");
    }
    errors::bad_request(
        "api.license.request_trial_license.app_error",
        "Unable to get a trial license, please try again or contact with support@mattermost.com.",
    )
    .with_detail("mm-host does not contact the Mattermost license server")
}
