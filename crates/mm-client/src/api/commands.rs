//! Slash commands: registration, execution and management.

use mm_types::convert::IntoWire;
use mm_types::{Command, CommandArgs, CommandId, CommandResponse, TeamId, wire};

use super::opt_id;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Slash commands: registration, execution and management: `client.commands()`.
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, channel: mm_types::ChannelId, user: mm_types::UserId) -> mm_client::Result<()> {
/// use mm_types::Command;
/// client.commands().register(Command::new("remind").with_auto_complete("Set a reminder", "[when] [what]")).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Commands<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Slash commands: registration, execution and management.
    pub fn commands(&self) -> Commands<'_, M> {
        Commands { client: self }
    }
}

impl<M: Mode> Commands<'_, M> {
    /// Registers a slash command handled by this plugin (its `ExecuteCommand` hook) (`RegisterCommand`).
    pub fn register(&self, command: Command) -> M::Output<()> {
        let request = wire::RegisterCommandRequest { command: Some(command.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }

    /// Unregisters a slash command of this plugin (`team`: `None` for commands of every team) (`UnregisterCommand`).
    pub fn unregister(&self, team: Option<&TeamId>, trigger: &str) -> M::Output<()> {
        let request = wire::UnregisterCommandRequest { team_id: opt_id(team), trigger: trigger.to_owned() };
        self.client.call(request, |_| Ok(()))
    }

    /// Runs a slash command as a user would type it (`ExecuteSlashCommand`).
    pub fn execute(&self, args: CommandArgs) -> M::Output<CommandResponse> {
        let request = wire::ExecuteSlashCommandRequest { command_args: Some(args.into_wire()) };
        self.client.call(request, |r| payload(r.response, "response"))
    }

    /// Creates a custom slash command (an outgoing webhook-style command) (`CreateCommand`).
    pub fn create(&self, command: Command) -> M::Output<Command> {
        let request = wire::CreateCommandRequest { cmd: Some(command.into_wire()) };
        self.client.call(request, |r| payload(r.command, "command"))
    }

    /// Every command of a team (`ListCommands`).
    pub fn list(&self, team_id: &TeamId) -> M::Output<Vec<Command>> {
        let request = wire::ListCommandsRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| from_wire(r.commands))
    }

    /// The custom commands of a team (`ListCustomCommands`).
    pub fn list_custom(&self, team_id: &TeamId) -> M::Output<Vec<Command>> {
        let request = wire::ListCustomCommandsRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| from_wire(r.commands))
    }

    /// The plugin commands of a team (`ListPluginCommands`).
    pub fn list_plugin(&self, team_id: &TeamId) -> M::Output<Vec<Command>> {
        let request = wire::ListPluginCommandsRequest { team_id: team_id.to_string() };
        self.client.call(request, |r| from_wire(r.commands))
    }

    /// The server's built-in commands (`ListBuiltInCommands`).
    pub fn list_built_in(&self) -> M::Output<Vec<Command>> {
        let request = wire::ListBuiltInCommandsRequest {};
        self.client.call(request, |r| from_wire(r.commands))
    }

    /// A command by id (`GetCommand`).
    pub fn get(&self, command_id: &CommandId) -> M::Output<Command> {
        let request = wire::GetCommandRequest { command_id: command_id.to_string() };
        self.client.call(request, |r| payload(r.command, "command"))
    }

    /// Updates a command and returns it as stored (`UpdateCommand`).
    pub fn update(&self, command_id: &CommandId, command: Command) -> M::Output<Command> {
        let request = wire::UpdateCommandRequest {
            command_id: command_id.to_string(),
            updated_cmd: Some(command.into_wire()),
        };
        self.client.call(request, |r| payload(r.command, "command"))
    }

    /// Deletes a command (`DeleteCommand`).
    pub fn delete(&self, command_id: &CommandId) -> M::Output<()> {
        let request = wire::DeleteCommandRequest { command_id: command_id.to_string() };
        self.client.call(request, |_| Ok(()))
    }
}
