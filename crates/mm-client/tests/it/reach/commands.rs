//! Reach entries: slash commands: registration, execution and management.

use mm_types::convert::IntoWire;
use mm_types::wire;

use super::{Reach, fx, id};

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let g = c.commands();
    r.check(
        "RegisterCommand",
        g.register(fx::command()),
        wire::RegisterCommandRequest { command: Some(fx::command().into_wire()) },
    )
    .await;
    r.check(
        "UnregisterCommand",
        g.unregister(Some(&id("UnregisterCommand.team_id")), "UnregisterCommand.trigger"),
        wire::UnregisterCommandRequest {
            team_id: "UnregisterCommand.team_id".into(),
            trigger: "UnregisterCommand.trigger".into(),
        },
    )
    .await;
    r.check(
        "ExecuteSlashCommand",
        g.execute(fx::command_args()),
        wire::ExecuteSlashCommandRequest { command_args: Some(fx::command_args().into_wire()) },
    )
    .await;
    r.check(
        "CreateCommand",
        g.create(fx::command()),
        wire::CreateCommandRequest { cmd: Some(fx::command().into_wire()) },
    )
    .await;
    r.check(
        "ListCommands",
        g.list(&id("ListCommands.team_id")),
        wire::ListCommandsRequest { team_id: "ListCommands.team_id".into() },
    )
    .await;
    r.check(
        "ListCustomCommands",
        g.list_custom(&id("ListCustomCommands.team_id")),
        wire::ListCustomCommandsRequest { team_id: "ListCustomCommands.team_id".into() },
    )
    .await;
    r.check(
        "ListPluginCommands",
        g.list_plugin(&id("ListPluginCommands.team_id")),
        wire::ListPluginCommandsRequest { team_id: "ListPluginCommands.team_id".into() },
    )
    .await;
    r.check("ListBuiltInCommands", g.list_built_in(), wire::ListBuiltInCommandsRequest {}).await;
    r.check(
        "GetCommand",
        g.get(&id("GetCommand.command_id")),
        wire::GetCommandRequest { command_id: "GetCommand.command_id".into() },
    )
    .await;
    r.check(
        "UpdateCommand",
        g.update(&id("UpdateCommand.command_id"), fx::command()),
        wire::UpdateCommandRequest {
            command_id: "UpdateCommand.command_id".into(),
            updated_cmd: Some(fx::command().into_wire()),
        },
    )
    .await;
    r.check(
        "DeleteCommand",
        g.delete(&id("DeleteCommand.command_id")),
        wire::DeleteCommandRequest { command_id: "DeleteCommand.command_id".into() },
    )
    .await;
}
