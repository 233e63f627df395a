//! Slash commands: plugin commands run `ExecuteCommand` and their response is acted on
//! (ephemeral text, in-channel post, redirect, extra responses); a few built-in commands run
//! in the host.

use mm_hooks::{Hook, requests};
use mm_types::convert::FromWire;
use mm_types::{AppError, CommandArgs, CommandResponse, CommandResponseType, PluginContext, Post, PostType};

use super::{HookCaller, app_error, failed_call};
use crate::Host;

fn not_found(trigger: &str) -> AppError {
    AppError::new(
        "api.command.execute_command.not_found.app_error",
        format!("Command with a trigger of '/{trigger}' not found."),
    )
    .with_status(404)
}

/// `ExecuteCommand`: the plugin's response; a call that failed is the server's
/// `plugin.grpc.execute_command.error` (500).
async fn execute_command(
    plugin: &HookCaller,
    cx: &PluginContext,
    args: CommandArgs,
) -> Result<CommandResponse, AppError> {
    let answer = match plugin.call(requests::execute_command(Some(cx.clone()), args)).await {
        None => return Ok(CommandResponse::default()),
        Some(Err(e)) => return Err(failed_call(Hook::ExecuteCommand, "run the command", &e)),
        Some(Ok(answer)) => answer,
    };
    if let Some(error) = answer.error {
        return Err(app_error(error));
    }
    match answer.response.map(CommandResponse::from_wire).transpose() {
        Ok(response) => Ok(response.unwrap_or_default()),
        Err(e) => Err(AppError::new(
            "plugin.grpc.execute_command.error",
            format!("The plugin's command response is unreadable: {e}"),
        )
        .with_status(500)),
    }
}

impl Host {
    /// Runs a slash command as the server does and returns its response.
    ///
    /// `args.command` is the text typed (`/trigger words...`) and `args.user_id` and
    /// `args.channel_id` say who ran it where (`team_id` defaults to the channel's team). A
    /// plugin command runs the plugin's `ExecuteCommand`; its response is then acted on: an
    /// `in_channel` response is posted (through `MessageWillBePosted` like any post), any other
    /// text is sent to the user as an ephemeral post; extra responses are handled the same way.
    pub async fn execute_command(&self, mut args: CommandArgs) -> Result<CommandResponse, AppError> {
        if !args.command.trim_start().starts_with('/') {
            return Err(AppError::new(
                "api.command.execute_command.start.app_error",
                "A command must start with '/'.",
            )
            .with_status(400));
        }
        let trigger = args.trigger().to_lowercase();
        let channel = self.store().with(|s| s.channel(&args.channel_id).cloned())?;
        self.store().with(|s| s.user(&args.user_id).map(|_| ()))?;
        if args.team_id.is_empty() {
            args.team_id = channel.team_id.clone().unwrap_or_default();
        }
        if args.site_url.is_empty() {
            args.site_url = self.store().with(|s| s.site_url());
        }

        let plugin_command = self.store().with(|s| s.plugin_command_for(&trigger, &args.team_id));
        if let Some(registered) = plugin_command {
            let plugin = self.plugin(&registered.plugin_id).ok_or_else(|| {
                AppError::new(
                    "api.command.execute_command.failed.app_error",
                    format!("The plugin {} that registered /{trigger} is not running.", registered.plugin_id),
                )
                .with_status(500)
            })?;
            let cx = self.plugin_context();
            let response = execute_command(&plugin, &cx, args.clone()).await?;
            self.handle_command_response(&args, &response).await?;
            return Ok(response);
        }
        if let Some(response) = self.built_in_command(&trigger, &args)? {
            self.handle_command_response(&args, &response).await?;
            return Ok(response);
        }
        if self.store().with(|s| s.custom_command_for(&trigger, &args.team_id)).is_some() {
            return Err(AppError::new(
                "mm_host.not_implemented",
                format!("mm-host does not call the URLs of custom slash commands (/{trigger})."),
            )
            .with_status(501));
        }
        Err(not_found(&trigger))
    }

    /// Acts on a command response: posts it, or sends it to the user who ran the command.
    async fn handle_command_response(
        &self,
        args: &CommandArgs,
        response: &CommandResponse,
    ) -> Result<(), AppError> {
        let mut pending = vec![response.clone()];
        while let Some(response) = pending.pop() {
            pending.extend(response.extra_responses.iter().rev().cloned());
            let has_content = !response.text.is_empty() || !response.attachments().is_empty();
            if !has_content {
                continue;
            }
            let mut post = Post::new(
                response.channel_id.clone().unwrap_or_else(|| args.channel_id.clone()),
                &response.text,
            )
            .by(args.user_id.clone())
            .with_kind(response.kind.clone());
            post.props = response.props.clone();
            if !response.username.is_empty() {
                post.set_prop("override_username", response.username.clone());
            }
            if !response.icon_url.is_empty() {
                post.set_prop("override_icon_url", response.icon_url.clone());
            }
            if response.response_type == CommandResponseType::InChannel {
                post.root_id = args.root_id.clone();
                self.create_post(post).await?;
            } else {
                post.root_id = args.root_id.clone();
                self.send_ephemeral_post(&args.user_id, post);
            }
        }
        Ok(())
    }

    /// The host's built-in commands (`/echo`, `/me`, `/shrug`, `/away`, `/online`, `/dnd`,
    /// `/offline`); `None` for any other trigger.
    fn built_in_command(
        &self,
        trigger: &str,
        args: &CommandArgs,
    ) -> Result<Option<CommandResponse>, AppError> {
        let text = args.text();
        let status = |status: &str, said: &str| -> Result<Option<CommandResponse>, AppError> {
            self.store().with(|s| s.set_user_status(&args.user_id, status, 0))?;
            Ok(Some(CommandResponse::ephemeral(said)))
        };
        match trigger {
            "echo" => {
                let message = text.trim().trim_matches('"');
                if message.is_empty() {
                    return Err(AppError::new(
                        "api.command_echo.message.app_error",
                        "A message must be provided with the /echo command.",
                    )
                    .with_status(400));
                }
                Ok(Some(CommandResponse::in_channel(message)))
            }
            "me" => Ok(Some(CommandResponse {
                kind: PostType::Other("me".into()),
                ..CommandResponse::in_channel(format!("*{text}*"))
            })),
            "shrug" => Ok(Some(CommandResponse::in_channel(
                format!("{text} ¯\\\\\\_(ツ)\\_/¯").trim_start().to_string(),
            ))),
            "away" => status("away", "You are now away"),
            "online" => status("online", "You are now online"),
            "dnd" => status(
                "dnd",
                "Do Not Disturb is enabled. You will not receive desktop or mobile push notifications until Do Not Disturb is turned off.",
            ),
            "offline" => status("offline", "You are now offline"),
            _ => Ok(None),
        }
    }
}
