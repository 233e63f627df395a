//! Teams, team membership, unread counts and statistics.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::app_error::AppError;
use crate::enums::int_enum;
use crate::id::{SchemeId, TeamId, UserId};
use crate::timestamp::Timestamp;
use crate::wire_struct;

int_enum! {
    /// Whether anyone may join a team or only invited users.
    pub enum TeamType {
        /// Anyone on the server may join (`"O"`).
        Open = 1 / "O",
        /// Users need an invitation (`"I"`).
        Invite = 2 / "I",
    }
    default = Open;
}

/// A team (a workspace of channels).
///
/// ```
/// use mm_types::{Team, TeamType};
/// let team = Team { name: "eng".into(), display_name: "Engineering".into(), kind: TeamType::Invite, ..Default::default() };
/// assert_eq!(serde_json::to_value(&team).unwrap()["type"], "I");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Team {
    /// The team's id (empty until created).
    pub id: TeamId,
    /// When the team was created.
    pub create_at: Timestamp,
    /// When the team last changed.
    pub update_at: Timestamp,
    /// When the team was archived, if it is.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// The name shown to users.
    pub display_name: String,
    /// The URL name (lowercase, unique).
    pub name: String,
    /// The description.
    pub description: String,
    /// The team's contact e-mail.
    pub email: String,
    /// Open or invite-only.
    #[serde(rename = "type")]
    pub kind: TeamType,
    /// The company name.
    pub company_name: String,
    /// Comma-separated e-mail domains allowed to join.
    pub allowed_domains: String,
    /// The invite id used in invitation links.
    pub invite_id: String,
    /// Whether users with the link may join.
    pub allow_open_invite: bool,
    /// When the team icon last changed.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub last_team_icon_update: Option<Timestamp>,
    /// The permission scheme, if the team has its own.
    pub scheme_id: Option<SchemeId>,
    /// Whether membership is managed by groups.
    pub group_constrained: Option<bool>,
    /// The data-retention policy applied, if any.
    pub policy_id: Option<String>,
    /// Whether the team was archived by cloud limits.
    pub cloud_limits_archived: bool,
}

impl Team {
    /// Whether the team is archived.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    Team <=> wire::Team {
        id, create_at, update_at, delete_at, display_name, name, description, email,
        kind = r#type, company_name, allowed_domains, invite_id, allow_open_invite,
        last_team_icon_update, scheme_id, group_constrained, policy_id, cloud_limits_archived,
    }
}

/// A user's membership in a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamMember {
    /// The team.
    pub team_id: TeamId,
    /// The member.
    pub user_id: UserId,
    /// Space-separated explicit role names.
    pub roles: String,
    /// When the user left the team, if they did.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
    /// Whether the member is a guest under the team's scheme.
    pub scheme_guest: bool,
    /// Whether the member is a user under the team's scheme.
    pub scheme_user: bool,
    /// Whether the member is an admin under the team's scheme.
    pub scheme_admin: bool,
    /// When the user joined. Not in Mattermost's JSON (Go's `json:"-"`; it crosses between
    /// server and plugin): read when present, never written.
    #[serde(skip_serializing)]
    pub create_at: Timestamp,
    /// Roles granted beyond the team scheme's (stock servers send it; the gRPC protocol does
    /// not carry it).
    pub explicit_roles: String,
}

wire_struct! {
    TeamMember <=> wire::TeamMember {
        team_id, user_id, roles, delete_at, scheme_guest, scheme_user, scheme_admin, create_at,
        explicit_roles,
    }
}

/// Unread message and mention counts of a user in a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamUnread {
    /// The team.
    pub team_id: TeamId,
    /// Unread messages.
    pub msg_count: i64,
    /// Unread mentions.
    pub mention_count: i64,
    /// Unread mentions in root posts.
    pub mention_count_root: i64,
    /// Unread root posts.
    pub msg_count_root: i64,
    /// Unread threads.
    pub thread_count: i64,
    /// Unread mentions in threads.
    pub thread_mention_count: i64,
}

wire_struct! {
    TeamUnread <=> wire::TeamUnread {
        team_id, msg_count, mention_count, mention_count_root, msg_count_root, thread_count,
        thread_mention_count,
    }
}

/// The outcome for one user when adding several users to a team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamMemberWithError {
    /// The user.
    pub user_id: UserId,
    /// The membership, when it was created.
    pub member: Option<TeamMember>,
    /// The error, when it was not.
    pub error: Option<AppError>,
}

wire_struct! {
    TeamMemberWithError <=> wire::TeamMemberWithError { user_id, member, error }
}

/// Member counts of a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamStats {
    /// The team.
    pub team_id: TeamId,
    /// All members.
    pub total_member_count: i64,
    /// Members whose account is active.
    pub active_member_count: i64,
}

wire_struct! {
    TeamStats <=> wire::TeamStats { team_id, total_member_count, active_member_count }
}
