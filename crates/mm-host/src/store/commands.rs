//! Slash commands: those plugins register, custom (webhook) commands, and the built-in ones
//! the host runs itself.

use mm_types::{Command, CommandId, CommandMethod, TeamId};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, Store};
use crate::manifest::validate_plugin_id;

/// A command registered by a plugin with `RegisterCommand`.
#[derive(Debug, Clone)]
pub(crate) struct PluginCommand {
    pub(crate) plugin_id: String,
    pub(crate) command: Command,
}

/// The built-in commands the host runs itself: trigger, hint and description.
pub(crate) const BUILT_IN_COMMANDS: &[(&str, &str, &str)] = &[
    ("echo", "\"message\" [delay in seconds]", "Echo back text from your account"),
    ("me", "[message]", "Do an action"),
    ("shrug", "[message]", "Adds ¯\\_(ツ)_/¯ to your message"),
    ("away", "", "Set your status away"),
    ("online", "", "Set your status online"),
    ("dnd", "", "Do not disturb"),
    ("offline", "", "Set your status offline"),
];

fn validate_trigger(trigger: &str) -> AppResult<String> {
    let trigger = trigger.trim().to_lowercase();
    let valid = !trigger.is_empty()
        && trigger.chars().count() <= 128
        && !trigger.starts_with('/')
        && !trigger.contains(char::is_whitespace);
    if valid {
        Ok(trigger)
    } else {
        Err(bad_request(
            "model.command.is_valid.trigger.app_error",
            format!("Invalid trigger {trigger:?}: 1 to 128 characters, no spaces, without the leading '/'."),
        ))
    }
}

/// The server's `Command.IsValid` (model/command.go) for a command about to be stored, in
/// its order: who made it (a user or a plugin, not both), the team, trigger, URL, method and
/// the lengths of the names.
fn validate_command(command: &Command) -> AppResult<()> {
    let invalid = |field: &str, message: &str| {
        bad_request(&format!("model.command.is_valid.{field}.app_error"), message.to_string())
    };
    if command.creator_id.is_none() && validate_plugin_id(&command.plugin_id).is_err() {
        return Err(invalid("plugin_id", "Invalid plugin id."));
    }
    if command.creator_id.is_some() && !command.plugin_id.is_empty() {
        return Err(invalid("plugin_id", "Invalid plugin id.")
            .with_detail("command cannot have both a CreatorId and a PluginId"));
    }
    if command.team_id.is_none() {
        return Err(invalid("team_id", "Invalid team ID."));
    }
    validate_trigger(&command.trigger)?;
    if command.url.is_empty() || command.url.len() > 1024 {
        return Err(invalid("url", "Invalid URL."));
    }
    if !(command.url.starts_with("http://") || command.url.starts_with("https://")) {
        return Err(invalid(
            "url_http",
            "Invalid URL. Must be a valid URL and start with http:// or https://.",
        ));
    }
    if !matches!(command.method, CommandMethod::Post | CommandMethod::Get) {
        return Err(invalid("method", "Invalid Method."));
    }
    if command.display_name.chars().count() > 64 {
        return Err(invalid("display_name", "Invalid title."));
    }
    if command.description.chars().count() > 128 {
        return Err(invalid("description", "Invalid description."));
    }
    Ok(())
}

fn missing_command(id: &str) -> mm_types::AppError {
    not_found("app.command.getcommand.app_error", format!("Unable to find the command ({id})."))
}

fn built_in(trigger: &str, hint: &str, description: &str) -> Command {
    Command {
        trigger: trigger.to_string(),
        auto_complete: true,
        auto_complete_hint: hint.to_string(),
        auto_complete_desc: description.to_string(),
        display_name: trigger.to_string(),
        description: description.to_string(),
        ..Command::default()
    }
}

impl State {
    /// Registers (or re-registers) a plugin's command; triggers are lowercase.
    pub(crate) fn register_plugin_command(&mut self, plugin: &str, mut command: Command) -> AppResult<()> {
        command.trigger = validate_trigger(&command.trigger)?;
        command.plugin_id = plugin.to_string();
        if let Some(existing) = self.plugin_commands.iter_mut().find(|pc| {
            pc.plugin_id == plugin
                && pc.command.trigger == command.trigger
                && pc.command.team_id == command.team_id
        }) {
            existing.command = command;
        } else {
            self.plugin_commands.push(PluginCommand { plugin_id: plugin.to_string(), command });
        }
        Ok(())
    }

    pub(crate) fn unregister_plugin_command(&mut self, plugin: &str, team: Option<&TeamId>, trigger: &str) {
        let trigger = trigger.trim().to_lowercase();
        self.plugin_commands.retain(|pc| {
            !(pc.plugin_id == plugin && pc.command.trigger == trigger && pc.command.team_id.as_ref() == team)
        });
    }

    /// The plugin command a trigger runs in a team (the first registered wins, as on the server).
    pub(crate) fn plugin_command_for(&self, trigger: &str, team: &TeamId) -> Option<PluginCommand> {
        self.plugin_commands
            .iter()
            .find(|pc| pc.command.trigger == trigger && pc.command.team_id.as_ref().is_none_or(|t| t == team))
            .cloned()
    }

    /// The plugin commands available in a team, the first of each trigger only (the server's
    /// `ListPluginCommands`, plugin_api.go).
    pub(crate) fn plugin_commands_for_team(&self, team: &TeamId) -> Vec<Command> {
        let mut seen = std::collections::HashSet::new();
        self.plugin_commands
            .iter()
            .filter(|pc| pc.command.team_id.as_ref().is_none_or(|t| t == team))
            .filter(|pc| seen.insert(pc.command.trigger.clone()))
            .map(|pc| pc.command.clone())
            .collect()
    }

    pub(crate) fn built_in_commands(&self) -> Vec<Command> {
        BUILT_IN_COMMANDS.iter().map(|(t, h, d)| built_in(t, h, d)).collect()
    }

    /// Creates a custom command (one whose URL the server would call), as the server's
    /// `createCommand` (app/command.go) does: the trigger lowercased, refused when the team
    /// has it or a built-in command uses it, then the store's `Command.IsValid` checks.
    pub(crate) fn create_custom_command(&mut self, mut command: Command) -> AppResult<Command> {
        command.trigger = command.trigger.to_lowercase();
        let taken =
            self.custom_commands.values().any(|c| {
                c.trigger == command.trigger && c.team_id == command.team_id && c.delete_at.is_none()
            }) || BUILT_IN_COMMANDS.iter().any(|(trigger, _, _)| *trigger == command.trigger);
        if taken {
            return Err(bad_request(
                "api.command.duplicate_trigger.app_error",
                "This trigger word is already in use. Please choose another word.",
            ));
        }
        let now = self.tick();
        command.id = CommandId::generate();
        command.token = CommandId::generate().into_string();
        command.create_at = now;
        command.update_at = now;
        command.delete_at = None;
        validate_command(&command)?;
        self.custom_commands.insert(command.id.clone(), command.clone());
        Ok(command)
    }

    pub(crate) fn custom_command(&self, id: &CommandId) -> AppResult<Command> {
        self.custom_commands
            .get(id)
            .filter(|c| c.delete_at.is_none())
            .cloned()
            .ok_or_else(|| missing_command(id.as_str()))
    }

    pub(crate) fn custom_commands_for_team(&self, team: &TeamId) -> Vec<Command> {
        let mut commands: Vec<Command> = self
            .custom_commands
            .values()
            .filter(|c| c.team_id.as_ref() == Some(team) && c.delete_at.is_none())
            .cloned()
            .collect();
        commands.sort_by(|a, b| a.trigger.cmp(&b.trigger));
        commands
    }

    /// Updates a custom command as the server's `UpdateCommand` (plugin_api.go) does: id,
    /// token and creation time stay, the calling plugin becomes its `plugin_id`, the team stays
    /// unless the update names one, and the result must pass `Command.IsValid` (a command
    /// with a creator cannot also have a plugin). Nothing checks who owns the command.
    pub(crate) fn update_custom_command(
        &mut self,
        plugin: &str,
        id: &CommandId,
        mut update: Command,
    ) -> AppResult<Command> {
        let existing = self.custom_command(id)?;
        update.trigger = update.trigger.to_lowercase();
        update.id = existing.id;
        update.token = existing.token;
        update.create_at = existing.create_at;
        update.delete_at = existing.delete_at;
        update.plugin_id = plugin.to_string();
        if update.team_id.is_none() {
            update.team_id = existing.team_id;
        }
        update.update_at = self.tick();
        validate_command(&update)?;
        self.custom_commands.insert(id.clone(), update.clone());
        Ok(update)
    }

    /// Deletes a custom command (soft). Like the server's store, an unknown id is not an
    /// error: `DeleteCommand` (plugin_api.go) answers nothing either way.
    pub(crate) fn delete_custom_command(&mut self, id: &CommandId) {
        let now = self.tick();
        if let Some(c) = self.custom_commands.get_mut(id).filter(|c| c.delete_at.is_none()) {
            c.delete_at = Some(now);
            c.update_at = now;
        }
    }

    /// The custom command a trigger runs in a team.
    pub(crate) fn custom_command_for(&self, trigger: &str, team: &TeamId) -> Option<Command> {
        self.custom_commands
            .values()
            .find(|c| c.trigger == trigger && c.team_id.as_ref() == Some(team) && c.delete_at.is_none())
            .cloned()
    }
}

impl Store {
    /// The commands plugins registered, with the id of the plugin that registered each.
    pub fn plugin_commands(&self) -> Vec<(String, Command)> {
        self.lock().plugin_commands.iter().map(|pc| (pc.plugin_id.clone(), pc.command.clone())).collect()
    }
}
