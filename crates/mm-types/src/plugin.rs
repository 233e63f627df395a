//! Plugins: manifests, statuses and installation events.

use std::fmt;

use mm_proto::v1 as wire;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::convert::{FromWire, IntoWire};
use crate::enums::UnknownValue;
use crate::error::Result;
use crate::id::UserId;
use crate::role::name_newtype;
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

/// The parts of a plugin's manifest (`plugin.json`) that the server reports.
///
/// ```
/// use mm_types::Manifest;
/// let manifest: Manifest = serde_json::from_str(
///     r#"{"id":"com.example.hello","name":"Hello","version":"1.2.0","min_server_version":"10.0.0"}"#,
/// ).unwrap();
/// assert_eq!(manifest.id, "com.example.hello");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// The plugin id, such as `com.example.hello`.
    pub id: String,
    /// The plugin's name.
    pub name: String,
    /// What the plugin does.
    pub description: String,
    /// The plugin's home page.
    pub homepage_url: String,
    /// Where to get support.
    pub support_url: String,
    /// The release notes of this version.
    pub release_notes_url: String,
    /// The icon, relative to the plugin bundle.
    pub icon_path: String,
    /// The plugin's version (semantic versioning).
    pub version: String,
    /// The oldest server version the plugin runs on.
    pub min_server_version: String,
}

wire_struct! {
    Manifest <=> wire::Manifest {
        id, name, description, homepage_url, support_url, release_notes_url, icon_path, version,
        min_server_version,
    }
}

/// The state of a plugin on a server. Carried as a number on the wire and in Mattermost's JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PluginState {
    /// Installed but not running (`0`).
    #[default]
    NotRunning,
    /// Starting (`1`).
    Starting,
    /// Running (`2`).
    Running,
    /// It failed to start (`3`).
    FailedToStart,
    /// It crashed too often and was stopped (`4`).
    FailedToStayRunning,
    /// Stopping (`5`).
    Stopping,
    /// A state this SDK does not know, kept as received.
    Unknown(UnknownValue),
}

impl PluginState {
    /// The number of this state.
    pub fn code(&self) -> i32 {
        match self {
            PluginState::NotRunning => 0,
            PluginState::Starting => 1,
            PluginState::Running => 2,
            PluginState::FailedToStart => 3,
            PluginState::FailedToStayRunning => 4,
            PluginState::Stopping => 5,
            PluginState::Unknown(value) => value.code(),
        }
    }

    /// The state for a number.
    pub fn from_code(code: i32) -> Self {
        match code {
            0 => PluginState::NotRunning,
            1 => PluginState::Starting,
            2 => PluginState::Running,
            3 => PluginState::FailedToStart,
            4 => PluginState::FailedToStayRunning,
            5 => PluginState::Stopping,
            other => PluginState::Unknown(UnknownValue::from_code(other)),
        }
    }
}

impl fmt::Display for PluginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            PluginState::NotRunning => "not running",
            PluginState::Starting => "starting",
            PluginState::Running => "running",
            PluginState::FailedToStart => "failed to start",
            PluginState::FailedToStayRunning => "failed to stay running",
            PluginState::Stopping => "stopping",
            PluginState::Unknown(value) => return write!(f, "unknown state {value}"),
        };
        f.write_str(name)
    }
}

impl FromWire<i32> for PluginState {
    fn from_wire(wire: i32) -> Result<Self> {
        Ok(PluginState::from_code(wire))
    }
}

impl IntoWire<i32> for PluginState {
    fn into_wire(self) -> i32 {
        self.code()
    }
}

impl Serialize for PluginState {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i32(self.code())
    }
}

impl<'de> Deserialize<'de> for PluginState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(PluginState::from_code(Option::<i32>::deserialize(d)?.unwrap_or_default()))
    }
}

/// A plugin's status on the server (`GetPluginStatus`, `GetPlugins`).
///
/// ```
/// use mm_types::{PluginState, PluginStatus};
/// let status: PluginStatus = serde_json::from_str(r#"{"plugin_id":"com.example.hello","state":2}"#).unwrap();
/// assert_eq!(status.state, PluginState::Running);
/// assert!(status.is_running());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginStatus {
    /// The plugin id.
    pub plugin_id: String,
    /// Where the plugin is unpacked on the server.
    pub plugin_path: String,
    /// Its state.
    pub state: PluginState,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its version.
    pub version: String,
}

impl PluginStatus {
    /// Whether the plugin is running.
    pub fn is_running(&self) -> bool {
        self.state == PluginState::Running
    }
}

wire_struct! {
    PluginStatus <=> wire::PluginStatus { plugin_id, plugin_path, state, name, description, version }
}

name_newtype! {
    /// A plugin's id, as in its manifest (`com.example.my-plugin`).
    ///
    /// ```
    /// use mm_types::PluginId;
    /// let id = PluginId::new("com.example.hello");
    /// assert_eq!(id.as_str(), "com.example.hello");
    /// assert_eq!(PluginId::from("com.example.hello"), id);
    /// ```
    pub struct PluginId;
}
