//! Two-way choices of listings and lookups, named instead of passed as `bool`s.

/// Whether deleted (archived, deactivated, removed) objects are included in a lookup or a
/// listing. Default: [`Deleted::Exclude`], as the server does.
///
/// ```
/// use mm_types::Deleted;
/// assert!(!Deleted::default().included());
/// assert!(Deleted::Include.included());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Deleted {
    /// Leave deleted objects out.
    #[default]
    Exclude,
    /// Include deleted objects.
    Include,
}

impl Deleted {
    /// Whether deleted objects are included (the wire's `include_deleted`).
    pub const fn included(self) -> bool {
        matches!(self, Deleted::Include)
    }
}

/// Whether a user or bot account is active or deactivated: what an account is set to, or
/// which accounts a listing keeps.
///
/// ```
/// use mm_types::AccountState;
/// assert!(AccountState::Active.is_active());
/// assert!(!AccountState::Deactivated.is_active());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountState {
    /// The account can log in and is listed as active.
    Active,
    /// The account is deactivated (Mattermost's "deleted" users and bots).
    Deactivated,
}

impl AccountState {
    /// Whether this is [`AccountState::Active`] (the wire's `active`).
    pub const fn is_active(self) -> bool {
        matches!(self, AccountState::Active)
    }
}

/// What an install does when a plugin with the same id is already installed. Default:
/// [`IfInstalled::Fail`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum IfInstalled {
    /// Fail, keeping the installed plugin.
    #[default]
    Fail,
    /// Replace the installed plugin.
    Replace,
}

impl IfInstalled {
    /// Whether the installed plugin is replaced (the wire's `replace`).
    pub const fn replaces(self) -> bool {
        matches!(self, IfInstalled::Replace)
    }
}

/// What inviting a remote cluster to a channel does when the channel is not shared yet.
/// Default: [`IfNotShared::Fail`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum IfNotShared {
    /// Fail: the channel must be shared first.
    #[default]
    Fail,
    /// Share the channel, then invite.
    Share,
}

impl IfNotShared {
    /// Whether the channel is shared first when it is not (the wire's `share_if_not_shared`).
    pub const fn shares(self) -> bool {
        matches!(self, IfNotShared::Share)
    }
}
