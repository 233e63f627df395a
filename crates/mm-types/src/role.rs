//! Role and permission names: open sets of strings with the server's built-in names as
//! constants.

/// Defines an open string newtype with `const` values for known names.
macro_rules! name_newtype {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        $($(#[$cmeta:meta])* $konst:ident = $text:literal,)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(::std::borrow::Cow<'static, str>);

        impl $name {
            $($(#[$cmeta])* pub const $konst: $name = $name(::std::borrow::Cow::Borrowed($text));)*

            /// A name; any string is accepted (plugins and newer servers define their own).
            pub fn new(name: impl Into<String>) -> Self {
                $name(::std::borrow::Cow::Owned(name.into()))
            }

            /// The name, as the server writes it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(name: &str) -> Self {
                $name::new(name)
            }
        }

        impl From<String> for $name {
            fn from(name: String) -> Self {
                $name::new(name)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(d).map($name::new)
            }
        }
    };
}

pub(crate) use name_newtype;

name_newtype! {
    /// The name of a role, such as `system_admin` or `team_user`.
    ///
    /// The server's built-in roles are constants (names from Mattermost's `model/role.go`);
    /// schemes and plugins add roles of their own, which [`Role::new`] names.
    ///
    /// ```
    /// use mm_types::Role;
    /// assert_eq!(Role::SYSTEM_ADMIN.as_str(), "system_admin");
    /// assert_eq!(Role::from("system_admin"), Role::SYSTEM_ADMIN);
    /// assert_eq!(Role::join(&[Role::SYSTEM_USER, Role::SYSTEM_ADMIN]), "system_user system_admin");
    /// ```
    pub struct Role;
    /// A system administrator.
    SYSTEM_ADMIN = "system_admin",
    /// A regular user.
    SYSTEM_USER = "system_user",
    /// A guest account.
    SYSTEM_GUEST = "system_guest",
    /// May post in every channel.
    SYSTEM_POST_ALL = "system_post_all",
    /// May post in every public channel.
    SYSTEM_POST_ALL_PUBLIC = "system_post_all_public",
    /// May create personal access tokens.
    SYSTEM_USER_ACCESS_TOKEN = "system_user_access_token",
    /// The user manager admin role.
    SYSTEM_USER_MANAGER = "system_user_manager",
    /// The read-only admin role.
    SYSTEM_READ_ONLY_ADMIN = "system_read_only_admin",
    /// The system manager admin role.
    SYSTEM_MANAGER = "system_manager",
    /// May manage custom groups.
    SYSTEM_CUSTOM_GROUP_ADMIN = "system_custom_group_admin",
    /// May manage shared channels.
    SYSTEM_SHARED_CHANNEL_MANAGER = "system_shared_channel_manager",
    /// A team administrator.
    TEAM_ADMIN = "team_admin",
    /// A team member.
    TEAM_USER = "team_user",
    /// A guest in a team.
    TEAM_GUEST = "team_guest",
    /// May post in every channel of the team.
    TEAM_POST_ALL = "team_post_all",
    /// May post in every public channel of the team.
    TEAM_POST_ALL_PUBLIC = "team_post_all_public",
    /// A channel administrator.
    CHANNEL_ADMIN = "channel_admin",
    /// A channel member.
    CHANNEL_USER = "channel_user",
    /// A guest in a channel.
    CHANNEL_GUEST = "channel_guest",
    /// A member of a custom group.
    CUSTOM_GROUP_USER = "custom_group_user",
}

impl Role {
    /// Role names as the server stores them on users and members: space-separated.
    pub fn join(roles: &[Role]) -> String {
        roles.iter().map(Role::as_str).collect::<Vec<_>>().join(" ")
    }

    /// The roles of a space-separated list (a `roles` field of a user or a member).
    pub fn split(roles: &str) -> impl Iterator<Item = Role> + '_ {
        roles.split_whitespace().map(Role::new)
    }
}

name_newtype! {
    /// The name of a permission, such as `manage_system` or `create_post`.
    ///
    /// Common built-in permissions are constants (names from Mattermost's
    /// `model/permission.go`); any other name, including a plugin's, goes through
    /// [`Permission::new`].
    ///
    /// ```
    /// use mm_types::Permission;
    /// assert_eq!(Permission::MANAGE_SYSTEM.as_str(), "manage_system");
    /// assert_eq!(Permission::new("create_post"), Permission::CREATE_POST);
    /// ```
    pub struct Permission;
    /// Administer the whole server.
    MANAGE_SYSTEM = "manage_system",
    /// Manage roles.
    MANAGE_ROLES = "manage_roles",
    /// Manage OAuth apps.
    MANAGE_OAUTH = "manage_oauth",
    /// Manage every OAuth app of the server.
    MANAGE_SYSTEM_WIDE_OAUTH = "manage_system_wide_oauth",
    /// Manage server jobs.
    MANAGE_JOBS = "manage_jobs",
    /// Edit other users' accounts.
    EDIT_OTHER_USERS = "edit_other_users",
    /// Create personal access tokens.
    CREATE_USER_ACCESS_TOKEN = "create_user_access_token",
    /// List users who are in no team.
    LIST_USERS_WITHOUT_TEAM = "list_users_without_team",
    /// Create bots.
    CREATE_BOT = "create_bot",
    /// Read bots.
    READ_BOTS = "read_bots",
    /// Manage one's own bots.
    MANAGE_BOTS = "manage_bots",
    /// Manage other users' bots.
    MANAGE_OTHERS_BOTS = "manage_others_bots",
    /// Create teams.
    CREATE_TEAM = "create_team",
    /// Manage a team's settings.
    MANAGE_TEAM = "manage_team",
    /// Manage the roles of a team's members.
    MANAGE_TEAM_ROLES = "manage_team_roles",
    /// View a team.
    VIEW_TEAM = "view_team",
    /// Add users to a team.
    ADD_USER_TO_TEAM = "add_user_to_team",
    /// Remove users from a team.
    REMOVE_USER_FROM_TEAM = "remove_user_from_team",
    /// Invite users to a team.
    INVITE_USER = "invite_user",
    /// View the members of a team.
    VIEW_MEMBERS = "view_members",
    /// List a team's public channels.
    LIST_TEAM_CHANNELS = "list_team_channels",
    /// Join public channels.
    JOIN_PUBLIC_CHANNELS = "join_public_channels",
    /// Create public channels.
    CREATE_PUBLIC_CHANNEL = "create_public_channel",
    /// Create private channels.
    CREATE_PRIVATE_CHANNEL = "create_private_channel",
    /// Create direct message channels.
    CREATE_DIRECT_CHANNEL = "create_direct_channel",
    /// Create group message channels.
    CREATE_GROUP_CHANNEL = "create_group_channel",
    /// Archive public channels.
    DELETE_PUBLIC_CHANNEL = "delete_public_channel",
    /// Archive private channels.
    DELETE_PRIVATE_CHANNEL = "delete_private_channel",
    /// Change a public channel's name, header and purpose.
    MANAGE_PUBLIC_CHANNEL_PROPERTIES = "manage_public_channel_properties",
    /// Change a private channel's name, header and purpose.
    MANAGE_PRIVATE_CHANNEL_PROPERTIES = "manage_private_channel_properties",
    /// Add and remove members of public channels.
    MANAGE_PUBLIC_CHANNEL_MEMBERS = "manage_public_channel_members",
    /// Add and remove members of private channels.
    MANAGE_PRIVATE_CHANNEL_MEMBERS = "manage_private_channel_members",
    /// Manage the roles of a channel's members.
    MANAGE_CHANNEL_ROLES = "manage_channel_roles",
    /// Read a channel.
    READ_CHANNEL = "read_channel",
    /// Read a channel's posts.
    READ_CHANNEL_CONTENT = "read_channel_content",
    /// Post in a channel.
    CREATE_POST = "create_post",
    /// Post in public channels one is not a member of.
    CREATE_POST_PUBLIC = "create_post_public",
    /// Edit one's own posts.
    EDIT_POST = "edit_post",
    /// Edit other users' posts.
    EDIT_OTHERS_POSTS = "edit_others_posts",
    /// Delete one's own posts.
    DELETE_POST = "delete_post",
    /// Delete other users' posts.
    DELETE_OTHERS_POSTS = "delete_others_posts",
    /// Use `@channel`, `@all` and `@here`.
    USE_CHANNEL_MENTIONS = "use_channel_mentions",
    /// Mention groups.
    USE_GROUP_MENTIONS = "use_group_mentions",
    /// Upload files.
    UPLOAD_FILE = "upload_file",
    /// Add reactions.
    ADD_REACTION = "add_reaction",
    /// Remove reactions.
    REMOVE_REACTION = "remove_reaction",
    /// Manage one's own slash commands.
    MANAGE_SLASH_COMMANDS = "manage_slash_commands",
    /// Manage other users' slash commands.
    MANAGE_OTHERS_SLASH_COMMANDS = "manage_others_slash_commands",
    /// Manage incoming webhooks.
    MANAGE_INCOMING_WEBHOOKS = "manage_incoming_webhooks",
    /// Manage outgoing webhooks.
    MANAGE_OUTGOING_WEBHOOKS = "manage_outgoing_webhooks",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_new_names_compare_by_text() {
        assert_eq!(Role::new("team_admin"), Role::TEAM_ADMIN);
        assert_eq!(Role::new("my_plugin_role").as_str(), "my_plugin_role");
        assert_eq!(Permission::from(String::from("read_channel")), Permission::READ_CHANNEL);
        assert_eq!(Permission::CREATE_POST.to_string(), "create_post");
    }

    #[test]
    fn roles_join_and_split_with_spaces() {
        assert_eq!(Role::join(&[]), "");
        assert_eq!(Role::join(&[Role::SYSTEM_USER, Role::new("custom")]), "system_user custom");
        let split: Vec<Role> = Role::split("  system_user   system_admin ").collect();
        assert_eq!(split, [Role::SYSTEM_USER, Role::SYSTEM_ADMIN]);
    }

    #[test]
    fn serde_is_the_bare_name() {
        assert_eq!(serde_json::to_string(&Role::CHANNEL_ADMIN).unwrap(), "\"channel_admin\"");
        let permission: Permission = serde_json::from_str("\"manage_team\"").unwrap();
        assert_eq!(permission, Permission::MANAGE_TEAM);
    }
}
