//! Slash commands.

use mattermost_plugin::types::{Command, CommandArgs, CommandId, TeamId};

use super::{Entry, Vals, e, one, unit};

fn command(v: Vals) -> Command {
    let mut command = Command::new(v.raw_id(1))
        .with_auto_complete(v.text("desc"), "[thing]")
        .with_display_name(v.text("display"))
        .for_team(v.id(2));
    command.id = v.id(0);
    command.description = v.text("description");
    command.username = v.raw_id(3);
    command
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("RegisterCommand", |c, v| unit(args![command(v)], c.commands().register(command(v)))),
        e("UnregisterCommand", |c, v| {
            let team: TeamId = v.id(0);
            unit(args![team, v.raw_id(1)], c.commands().unregister(Some(&team), &v.raw_id(1)))
        }),
        e("ExecuteSlashCommand", |c, v| {
            let args = CommandArgs {
                user_id: v.id(0),
                channel_id: v.id(1),
                team_id: v.id(2),
                root_id: Some(v.id(3)),
                parent_id: Some(v.id(3)),
                trigger_id: v.text("trigger"),
                command: format!("/{} now", v.raw_id(4)),
                ..Default::default()
            };
            one(args![args], c.commands().execute(args))
        }),
        e("CreateCommand", |c, v| one(args![command(v)], c.commands().create(command(v)))),
        e("ListCommands", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team], c.commands().list(&team))
        }),
        e("ListCustomCommands", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team], c.commands().list_custom(&team))
        }),
        e("ListPluginCommands", |c, v| {
            let team: TeamId = v.id(0);
            one(args![team], c.commands().list_plugin(&team))
        }),
        e("ListBuiltInCommands", |c, _| one(args![], c.commands().list_built_in())),
        e("GetCommand", |c, v| {
            let id: CommandId = v.id(0);
            one(args![id], c.commands().get(&id))
        }),
        e("UpdateCommand", |c, v| {
            let id: CommandId = v.id(0);
            one(args![id, command(v)], c.commands().update(&id, command(v)))
        }),
        e("DeleteCommand", |c, v| {
            let id: CommandId = v.id(0);
            unit(args![id], c.commands().delete(&id))
        }),
    ]
}
