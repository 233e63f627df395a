//! Custom properties: groups of fields that plugins attach to posts, users, channels...,
//! and the values of those fields.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::string_enum;
use crate::id::{PropertyFieldId, PropertyGroupId, PropertyValueId};
use crate::json::JsonMap;
use crate::timestamp::Timestamp;
use crate::wire_struct;

/// A named group of property fields, registered by a plugin (`RegisterPropertyGroup`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyGroup {
    /// The group's id.
    pub id: PropertyGroupId,
    /// Its unique name.
    pub name: String,
}

wire_struct! {
    PropertyGroup <=> wire::PropertyGroup { id, name }
}

string_enum! {
    /// What a property field holds.
    pub enum PropertyFieldType {
        /// Free text.
        Text = "text",
        /// One option of a list.
        Select = "select",
        /// Several options of a list.
        MultiSelect = "multiselect",
        /// A date.
        Date = "date",
        /// A user.
        User = "user",
        /// Several users.
        MultiUser = "multiuser",
    }
    default = Text;
}

/// A property field: a named, typed slot that objects of some kind can have a value for.
///
/// ```
/// use mm_types::{PropertyField, PropertyFieldType, PropertyGroupId};
/// let field = PropertyField::new(PropertyGroupId::from_raw("x7nu4qwpaingzmca6pb9i5nc5e"), "severity", PropertyFieldType::Select)
///     .with_attr("options", serde_json::json!([{"name": "high"}, {"name": "low"}]));
/// assert_eq!(field.kind, PropertyFieldType::Select);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyField {
    /// The field's id (empty until created).
    pub id: PropertyFieldId,
    /// The group it belongs to.
    pub group_id: PropertyGroupId,
    /// Its name, unique in the group and target.
    pub name: String,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: PropertyFieldType,
    /// Type-specific attributes (the options of a select...).
    pub attrs: Option<JsonMap>,
    /// The object the field is limited to, if any.
    pub target_id: String,
    /// The kind of object the field applies to (`post`, `user`, `channel`...).
    pub target_type: String,
    /// When it was created.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
}

impl PropertyField {
    /// A new field in a group.
    pub fn new(group_id: PropertyGroupId, name: impl Into<String>, kind: PropertyFieldType) -> Self {
        PropertyField { group_id, name: name.into(), kind, ..Default::default() }
    }

    /// Limits the field to one kind of object (and optionally one object).
    pub fn for_target(mut self, target_type: impl Into<String>, target_id: impl Into<String>) -> Self {
        self.target_type = target_type.into();
        self.target_id = target_id.into();
        self
    }

    /// Sets an attribute.
    pub fn with_attr(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attrs.get_or_insert_with(JsonMap::new).insert(key.into(), value.into());
        self
    }

    /// Whether the field was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    PropertyField <=> wire::PropertyField {
        id, group_id, name, kind = r#type, attrs, target_id, target_type, create_at, update_at,
        delete_at,
    }
}

/// Filters and paging for `SearchPropertyFields`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyFieldSearchOpts {
    /// The page, from 0.
    pub page: i32,
    /// Fields per page.
    pub per_page: i32,
    /// Whether deleted fields are listed.
    pub include_deleted: bool,
    /// Only fields for this kind of object (empty for any).
    pub target_type: String,
    /// Only fields for this object (empty for any).
    pub target_id: String,
}

wire_struct! {
    PropertyFieldSearchOpts <=> wire::PropertyFieldSearchOpts { page, per_page, include_deleted, target_type, target_id }
}

/// The value of a property field for one object.
///
/// ```
/// use mm_types::{PropertyFieldId, PropertyGroupId, PropertyValue};
/// let value = PropertyValue::new(
///     PropertyGroupId::from_raw("x7nu4qwpaingzmca6pb9i5nc5e"),
///     PropertyFieldId::from_raw("fb1tpmnu7pfwbq5c7mm7zxgdkh"),
///     "post",
///     "qb1o8ncuftba5rjbjrwdjq8o6c",
///     "high",
/// );
/// assert_eq!(value.value, Some(serde_json::json!("high")));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyValue {
    /// The value's id (empty until created).
    pub id: PropertyValueId,
    /// The field's group.
    pub group_id: PropertyGroupId,
    /// The field.
    pub field_id: PropertyFieldId,
    /// The object the value is for.
    pub target_id: String,
    /// The kind of that object (`post`, `user`, `channel`...).
    pub target_type: String,
    /// The value: `None` when unset on the wire (absent in JSON), which is not the same as
    /// `Some(Value::Null)`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "crate::json::present_value")]
    pub value: Option<Value>,
    /// When it was created.
    pub create_at: Timestamp,
    /// When it last changed.
    pub update_at: Timestamp,
    /// When it was deleted, if it was.
    #[serde(with = "crate::timestamp::zero_as_none")]
    pub delete_at: Option<Timestamp>,
}

impl PropertyValue {
    /// A value of `field_id` for the object `target_id` of kind `target_type`.
    pub fn new(
        group_id: PropertyGroupId,
        field_id: PropertyFieldId,
        target_type: impl Into<String>,
        target_id: impl Into<String>,
        value: impl Into<Value>,
    ) -> Self {
        PropertyValue {
            group_id,
            field_id,
            target_type: target_type.into(),
            target_id: target_id.into(),
            value: Some(value.into()),
            ..Default::default()
        }
    }

    /// Whether the value was deleted.
    pub fn is_deleted(&self) -> bool {
        self.delete_at.is_some()
    }
}

wire_struct! {
    PropertyValue <=> wire::PropertyValue {
        id, group_id, field_id, target_id, target_type, value, create_at, update_at, delete_at,
    }
}

/// Filters and paging for `SearchPropertyValues`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyValueSearchOpts {
    /// The page, from 0.
    pub page: i32,
    /// Values per page.
    pub per_page: i32,
    /// Whether deleted values are listed.
    pub include_deleted: bool,
    /// Only values for this kind of object (empty for any).
    pub target_type: String,
    /// Only values for this object (empty for any).
    pub target_id: String,
    /// Only values of this field.
    #[serde(with = "crate::id::empty_as_none")]
    pub field_id: Option<PropertyFieldId>,
}

wire_struct! {
    PropertyValueSearchOpts <=> wire::PropertyValueSearchOpts {
        page, per_page, include_deleted, target_type, target_id, field_id,
    }
}

/// How a property write is attributed (`model.PropertyRequestOptions`), for the
/// `*_with_options` property calls of stock servers.
///
/// Go's struct has no JSON tags, so its JSON key is the Go name (`ActingAsScope`).
///
/// ```
/// use mm_types::PropertyRequestOptions;
/// let options = PropertyRequestOptions::acting_as("system");
/// assert_eq!(serde_json::to_value(&options).unwrap(), serde_json::json!({"ActingAsScope": "system"}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PropertyRequestOptions {
    /// The scope the caller acts as (empty: the plugin's own).
    #[serde(rename = "ActingAsScope")]
    pub acting_as_scope: String,
}

impl PropertyRequestOptions {
    /// Options acting as `scope`.
    pub fn acting_as(scope: impl Into<String>) -> Self {
        PropertyRequestOptions { acting_as_scope: scope.into() }
    }
}

wire_struct! {
    PropertyRequestOptions <=> wire::PropertyRequestOptions { acting_as_scope }
}
