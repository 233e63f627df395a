//! Plugin lifecycle and management: installation events.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::id::UserId;
use crate::wire_struct;

/// Who installed the plugin (`OnInstall`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnInstallEvent {
    /// The user who installed it.
    pub user_id: UserId,
}

wire_struct! {
    OnInstallEvent <=> wire::OnInstallEvent { user_id }
}
