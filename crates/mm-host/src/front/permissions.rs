//! The permission checks of the REST routes, as the server's handlers make them (on the
//! host's simplified role table: system admins may do everything, members what their team and
//! channel roles grant).

use mm_types::{Channel, ChannelType, TeamId, UserId};

use super::errors::{ApiError, permission_error};
use crate::store::State;

/// `Ok` when `allowed`, else the server's 403 naming `permissions`.
pub(crate) fn require(allowed: bool, user: &UserId, permissions: &[&str]) -> Result<(), ApiError> {
    if allowed { Ok(()) } else { Err(permission_error(user, permissions)) }
}

/// `SessionHasPermissionToReadChannel`: `read_channel_content` in the channel, or a public
/// channel of a team where the user has `read_public_channel`.
pub(crate) fn can_read_channel(state: &State, user: &UserId, channel: &Channel) -> bool {
    state.has_channel_permission(user, &channel.id, "read_channel_content")
        || (channel.kind == ChannelType::Open
            && on_team(state, user, channel.team_id.as_ref(), "read_public_channel"))
}

/// A team permission, false for channels without a team.
pub(crate) fn on_team(state: &State, user: &UserId, team: Option<&TeamId>, permission: &str) -> bool {
    team.is_some_and(|team| state.has_team_permission(user, team, permission))
}
