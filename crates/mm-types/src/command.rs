//! Slash commands: their definition, the arguments of one execution and the response.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::id::{ChannelId, CommandId, PostId, TeamId, UserId};
use crate::json::JsonMap;
use crate::post::PostType;
use crate::timestamp::Timestamp;
use crate::wire_struct;

string_enum! {
    /// How the server calls a command's URL (outgoing-webhook style commands only).
    pub enum CommandMethod {
        /// No method: plugin commands, which the server routes to the plugin's
        /// `ExecuteCommand` hook.
        Unset = "",
        /// HTTP `POST` (`"P"`).
        Post = "P",
        /// HTTP `GET` (`"G"`).
        Get = "G",
    }
    default = Unset;
}

/// A slash command definition (`/trigger ...`).
///
/// Plugins register theirs with `RegisterCommand`; the server then calls the plugin's
/// `ExecuteCommand` hook with [`CommandArgs`] whenever a user runs it.
///
/// ```
/// use mm_types::Command;
/// let command = Command::new("weather")
///     .with_auto_complete("Shows the weather", "[city]")
///     .with_display_name("Weather");
/// assert_eq!(command.trigger, "weather");
/// assert!(command.auto_complete);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Command {
    /// The command's id (empty until created; plugin commands have none).
    pub id: CommandId,
    /// The token the server sends to the command's URL, for it to check.
    pub token: String,
    /// When the command was created.
    pub create_at: Timestamp,
    /// When the command last changed.
    pub update_at: Timestamp,
    /// When the command was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// Who created the command (`None` for plugin commands).
    #[serde(with = "crate::id::empty_as_none")]
    pub creator_id: Option<UserId>,
    /// The team the command belongs to (`None`: every team, as for plugin commands).
    #[serde(with = "crate::id::empty_as_none")]
    pub team_id: Option<TeamId>,
    /// The word after the slash, without it (`weather` for `/weather`).
    pub trigger: String,
    /// How the server calls `url`.
    pub method: CommandMethod,
    /// The username responses are posted as, if overridden.
    pub username: String,
    /// The icon responses are posted with, if overridden.
    pub icon_url: String,
    /// Whether the command is listed in the autocomplete menu.
    pub auto_complete: bool,
    /// The description shown in the autocomplete menu.
    pub auto_complete_desc: String,
    /// The argument hint shown in the autocomplete menu, such as `[city]`.
    pub auto_complete_hint: String,
    /// The name shown in the integrations list.
    pub display_name: String,
    /// The description shown in the integrations list.
    pub description: String,
    /// The URL the server calls (commands that are not plugin commands).
    pub url: String,
    /// The plugin that registered the command, for plugin commands.
    pub plugin_id: String,
}

impl Command {
    /// A command run as `/trigger` (give the trigger without the slash).
    pub fn new(trigger: impl Into<String>) -> Self {
        Command { trigger: trigger.into(), ..Default::default() }
    }

    /// Lists the command in the autocomplete menu with a description and an argument hint.
    pub fn with_auto_complete(mut self, description: impl Into<String>, hint: impl Into<String>) -> Self {
        self.auto_complete = true;
        self.auto_complete_desc = description.into();
        self.auto_complete_hint = hint.into();
        self
    }

    /// Sets the name shown in the integrations list.
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = display_name.into();
        self
    }

    /// Sets the description shown in the integrations list.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets the icon responses are posted with.
    pub fn with_icon_url(mut self, icon_url: impl Into<String>) -> Self {
        self.icon_url = icon_url.into();
        self
    }

    /// Limits the command to one team.
    pub fn for_team(mut self, team_id: TeamId) -> Self {
        self.team_id = Some(team_id);
        self
    }

    /// Whether the command was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Command <=> wire::Command {
        id, token, create_at, update_at, delete_at, creator_id, team_id, trigger, method, username,
        icon_url, auto_complete, auto_complete_desc, auto_complete_hint, display_name, description,
        url, plugin_id,
    }
}

/// The arguments of one slash command execution: who ran it, where, and the text typed.
///
/// ```
/// use mm_types::CommandArgs;
/// let args = CommandArgs { command: "/weather  Paris   tomorrow".into(), ..Default::default() };
/// assert_eq!(args.trigger(), "weather");
/// assert_eq!(args.text(), "Paris   tomorrow");
/// assert_eq!(args.words().collect::<Vec<_>>(), ["Paris", "tomorrow"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommandArgs {
    /// Who ran the command.
    pub user_id: UserId,
    /// The channel it was run in.
    pub channel_id: ChannelId,
    /// The team the user was in (the current team, also for direct messages).
    pub team_id: TeamId,
    /// The thread it was run in, if any.
    #[serde(with = "crate::id::empty_as_none")]
    pub root_id: Option<PostId>,
    /// The post replied to, if any (older clients; usually the same as `root_id`).
    #[serde(with = "crate::id::empty_as_none")]
    pub parent_id: Option<PostId>,
    /// The trigger id to open an interactive dialog in answer (valid for a short time).
    pub trigger_id: String,
    /// The full text typed, slash and trigger included (`/weather Paris`).
    pub command: String,
    /// The server's site URL.
    pub site_url: String,
    /// Field `t` of the wire message. Go's `T` is a translation function, which does not
    /// travel; servers leave this empty.
    pub t: String,
    /// Field `user_mention` of the wire message (Go's `UserMentions` map, which servers do not
    /// send over this protocol today).
    pub user_mention: String,
    /// Field `channel_mention` of the wire message (Go's `ChannelMentions` map, which servers do
    /// not send over this protocol today).
    pub channel_mention: String,
}

impl CommandArgs {
    /// The trigger typed, without the slash (`weather` for `/weather Paris`).
    pub fn trigger(&self) -> &str {
        let first = self.command.split_whitespace().next().unwrap_or_default();
        first.strip_prefix('/').unwrap_or(first)
    }

    /// Everything typed after the trigger, trimmed (`Paris` for `/weather Paris`).
    pub fn text(&self) -> &str {
        let command = self.command.trim_start();
        let after_trigger = command.find(char::is_whitespace).map_or("", |at| &command[at..]);
        after_trigger.trim()
    }

    /// The words typed after the trigger.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.text().split_whitespace()
    }

    /// The thread the command was run in, if any.
    pub fn thread_id(&self) -> Option<&PostId> {
        self.root_id.as_ref()
    }
}

wire_struct! {
    CommandArgs <=> wire::CommandArgs {
        user_id, channel_id, team_id, root_id, parent_id, trigger_id, command, site_url, t,
        user_mention, channel_mention,
    }
}

string_enum! {
    /// Who sees a command's response.
    pub enum CommandResponseType {
        /// Only the user who ran the command.
        Ephemeral = "ephemeral",
        /// Everyone in the channel: the response is posted.
        InChannel = "in_channel",
    }
    default = Ephemeral;
}

/// What a slash command answers: a message (ephemeral or posted), a redirect, more responses.
///
/// ```
/// use mm_types::{CommandResponse, CommandResponseType};
/// let reply = CommandResponse::in_channel("It is sunny in Paris.").with_username("weather-bot");
/// assert_eq!(reply.response_type, CommandResponseType::InChannel);
///
/// let hint = CommandResponse::ephemeral("Usage: /weather [city]");
/// assert!(hint.is_ephemeral());
///
/// let redirect = CommandResponse::redirect("/myteam/channels/town-square");
/// assert_eq!(redirect.goto_location, "/myteam/channels/town-square");
/// ```
///
/// In Mattermost's JSON, a response may carry Slack-style message attachments at the top level
/// (`"attachments": [...]`); they are read into `props["attachments"]`, where the server puts
/// them when it posts the response (see [`CommandResponse::with_attachments`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
// Read through `CommandResponseJson`, which has `#[serde(default)]` and the top-level attachments.
#[serde(from = "CommandResponseJson")]
pub struct CommandResponse {
    /// Who sees the response; the server treats anything but `in_channel` as ephemeral.
    pub response_type: CommandResponseType,
    /// The message (Markdown).
    pub text: String,
    /// The username to post as, if overridden.
    pub username: String,
    /// The channel to answer in, if not the one the command was run in.
    #[serde(with = "crate::id::empty_as_none")]
    pub channel_id: Option<ChannelId>,
    /// The icon to post with, if overridden.
    pub icon_url: String,
    /// The type of the post made from the response.
    #[serde(rename = "type")]
    pub kind: PostType,
    /// Properties of the post made from the response (`attachments`, `from_webhook`...).
    pub props: Option<JsonMap>,
    /// A URL or path to send the user's client to.
    pub goto_location: String,
    /// A trigger id for opening an interactive dialog.
    pub trigger_id: String,
    /// Whether the text is used as is, without Slack-compatible reformatting.
    pub skip_slack_parsing: bool,
    /// Further responses, each made into its own message (Mattermost's `extra_responses`).
    /// The wire carries them in field `attachments` of `CommandResponse`, typed as command
    /// responses.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub extra_responses: Vec<CommandResponse>,
}

impl CommandResponse {
    /// A response only the user who ran the command sees.
    pub fn ephemeral(text: impl Into<String>) -> Self {
        CommandResponse {
            response_type: CommandResponseType::Ephemeral,
            text: text.into(),
            ..Default::default()
        }
    }

    /// A response posted in the channel for everyone.
    pub fn in_channel(text: impl Into<String>) -> Self {
        CommandResponse {
            response_type: CommandResponseType::InChannel,
            text: text.into(),
            ..Default::default()
        }
    }

    /// A response that sends the user's client to a URL or path.
    pub fn redirect(goto_location: impl Into<String>) -> Self {
        CommandResponse { goto_location: goto_location.into(), ..Default::default() }
    }

    /// Sets the username to post as.
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    /// Sets the icon to post with.
    pub fn with_icon_url(mut self, icon_url: impl Into<String>) -> Self {
        self.icon_url = icon_url.into();
        self
    }

    /// Answers in another channel.
    pub fn in_channel_id(mut self, channel_id: ChannelId) -> Self {
        self.channel_id = Some(channel_id);
        self
    }

    /// Sets a property of the post made from the response.
    pub fn with_prop(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.props.get_or_insert_with(JsonMap::new).insert(key.into(), value.into());
        self
    }

    /// Sets Slack-style message attachments (`props["attachments"]`).
    ///
    /// ```
    /// use mm_types::CommandResponse;
    /// use serde_json::json;
    /// let reply = CommandResponse::in_channel("")
    ///     .with_attachments(vec![json!({"title": "Build #42", "color": "#00ff00", "text": "passed"})]);
    /// assert_eq!(reply.attachments().len(), 1);
    /// ```
    pub fn with_attachments(self, attachments: Vec<Value>) -> Self {
        self.with_prop("attachments", Value::Array(attachments))
    }

    /// The Slack-style message attachments in `props["attachments"]` (empty when there are none).
    pub fn attachments(&self) -> &[Value] {
        match self.props.as_ref().and_then(|props| props.get("attachments")) {
            Some(Value::Array(attachments)) => attachments,
            _ => &[],
        }
    }

    /// Adds a further response, made into its own message.
    pub fn with_extra_response(mut self, response: CommandResponse) -> Self {
        self.extra_responses.push(response);
        self
    }

    /// Whether only the user who ran the command sees the response.
    pub fn is_ephemeral(&self) -> bool {
        self.response_type != CommandResponseType::InChannel
    }
}

wire_struct! {
    CommandResponse <=> wire::CommandResponse {
        response_type, text, username, channel_id, icon_url, kind = r#type, props, goto_location,
        trigger_id, skip_slack_parsing, extra_responses = attachments,
    }
}

/// Mattermost's JSON for a command response: the domain fields plus top-level Slack
/// attachments, which end up in `props["attachments"]`.
#[derive(Deserialize)]
#[serde(default)]
struct CommandResponseJson {
    response_type: CommandResponseType,
    text: String,
    username: String,
    #[serde(with = "crate::id::empty_as_none")]
    channel_id: Option<ChannelId>,
    icon_url: String,
    #[serde(rename = "type")]
    kind: PostType,
    props: Option<JsonMap>,
    goto_location: String,
    trigger_id: String,
    skip_slack_parsing: bool,
    extra_responses: Vec<CommandResponse>,
    attachments: Option<Vec<Value>>,
}

impl Default for CommandResponseJson {
    fn default() -> Self {
        let CommandResponse {
            response_type,
            text,
            username,
            channel_id,
            icon_url,
            kind,
            props,
            goto_location,
            trigger_id,
            skip_slack_parsing,
            extra_responses,
        } = CommandResponse::default();
        CommandResponseJson {
            response_type,
            text,
            username,
            channel_id,
            icon_url,
            kind,
            props,
            goto_location,
            trigger_id,
            skip_slack_parsing,
            extra_responses,
            attachments: None,
        }
    }
}

impl From<CommandResponseJson> for CommandResponse {
    fn from(json: CommandResponseJson) -> Self {
        let mut props = json.props;
        if let Some(attachments) = json.attachments {
            // Attachments already in the props win, as when the server posts the response.
            props.get_or_insert_with(JsonMap::new).entry("attachments").or_insert(Value::Array(attachments));
        }
        CommandResponse {
            response_type: json.response_type,
            text: json.text,
            username: json.username,
            channel_id: json.channel_id,
            icon_url: json.icon_url,
            kind: json.kind,
            props,
            goto_location: json.goto_location,
            trigger_id: json.trigger_id,
            skip_slack_parsing: json.skip_slack_parsing,
            extra_responses: json.extra_responses,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn args_split_trigger_and_text_whatever_the_spacing() {
        let args = |command: &str| CommandArgs { command: command.into(), ..Default::default() };
        assert_eq!(args("/echo").trigger(), "echo");
        assert_eq!(args("/echo").text(), "");
        assert_eq!(args("  /echo\thello world ").text(), "hello world");
        assert_eq!(args("").trigger(), "");
        assert_eq!(args("").words().count(), 0);
    }

    #[test]
    fn top_level_attachments_move_into_props_without_replacing_existing_ones() {
        let reply: CommandResponse = serde_json::from_value(json!({
            "response_type": "in_channel",
            "attachments": [{"text": "from the top level"}]
        }))
        .unwrap();
        assert_eq!(reply.attachments(), [json!({"text": "from the top level"})]);

        let reply: CommandResponse = serde_json::from_value(json!({
            "props": {"attachments": [{"text": "in props"}]},
            "attachments": [{"text": "ignored"}]
        }))
        .unwrap();
        assert_eq!(reply.attachments(), [json!({"text": "in props"})]);
    }

    #[test]
    fn empty_response_type_is_kept_and_treated_as_ephemeral() {
        let reply = CommandResponse::try_from(wire::CommandResponse::default()).unwrap();
        assert_eq!(reply.response_type, CommandResponseType::Other(String::new()));
        assert!(reply.is_ephemeral());
        assert_eq!(wire::CommandResponse::from(reply).response_type, "");
    }
}
