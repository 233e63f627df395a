//! Attribute-based access control: policies of rules over user attributes (CEL
//! expressions), their checks and evaluations.
//!
//! Only stock servers (the net/rpc protocol) have the API methods that use these types; the
//! gRPC contract lacks them.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::JsonMap;
use crate::timestamp::Timestamp;
use crate::user::User;
use crate::wire_struct;

/// An access control policy: rules over user attributes, applied to a scope
/// (`model.AccessControlPolicy`).
///
/// ```
/// use mm_types::{AccessControlPolicy, AccessControlPolicyRule};
/// let policy = AccessControlPolicy::new("vd9uc7i1mfd9ubq8wojjdaegbr", "clearance", "channel")
///     .with_rule(AccessControlPolicyRule::new(["*"], "user.attributes.clearance == 'secret'"));
/// assert_eq!(policy.rules.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessControlPolicy {
    /// The policy's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The kind of resource it applies to (`channel`, `parent`...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it is enforced.
    pub active: bool,
    /// When it was created.
    pub create_at: Timestamp,
    /// Its revision, raised by every change.
    pub revision: i64,
    /// The policy language version (`v0.1`...).
    pub version: String,
    /// The roles it applies to.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub roles: Vec<String>,
    /// The ids of the policies it imports.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub imports: Vec<String>,
    /// Its rules.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub rules: Vec<AccessControlPolicyRule>,
    /// What it is scoped to (empty: not scoped).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// The id of the object it is scoped to.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope_id: String,
    /// Free-form properties.
    pub props: Option<JsonMap>,
}

impl AccessControlPolicy {
    /// A new policy with an id, a name and the kind of resource it applies to.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: impl Into<String>) -> Self {
        AccessControlPolicy { id: id.into(), name: name.into(), kind: kind.into(), ..Default::default() }
    }

    /// Adds a rule.
    pub fn with_rule(mut self, rule: AccessControlPolicyRule) -> Self {
        self.rules.push(rule);
        self
    }
}

wire_struct! {
    AccessControlPolicy <=> wire::AccessControlPolicy {
        id, name, kind = r#type, active, create_at, revision, version, roles, imports, rules,
        scope, scope_id, props,
    }
}

/// One rule of an [`AccessControlPolicy`]: the actions a CEL expression allows
/// (`model.AccessControlPolicyRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessControlPolicyRule {
    /// The actions it allows (`*` for all).
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub actions: Vec<String>,
    /// The CEL expression over user attributes.
    pub expression: String,
    /// Its name, if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The role it applies to, if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub role: String,
}

impl AccessControlPolicyRule {
    /// A rule allowing `actions` when `expression` holds.
    pub fn new<S: Into<String>>(actions: impl IntoIterator<Item = S>, expression: impl Into<String>) -> Self {
        AccessControlPolicyRule {
            actions: actions.into_iter().map(Into::into).collect(),
            expression: expression.into(),
            ..Default::default()
        }
    }
}

wire_struct! {
    AccessControlPolicyRule <=> wire::AccessControlPolicyRule { actions, expression, name, role }
}

/// A syntax or type error in a CEL expression, with its position (`model.CELExpressionError`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CelExpressionError {
    /// The line, from 1.
    pub line: i64,
    /// The column, from 1.
    pub column: i64,
    /// What is wrong.
    pub message: String,
}

wire_struct! {
    CelExpressionError <=> wire::CelExpressionError { line, column, message }
}

/// Whether a user may act on a resource, and why (`model.AccessDecision`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessDecision {
    /// Whether access is granted.
    pub decision: bool,
    /// What the decision was based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<JsonMap>,
}

wire_struct! {
    AccessDecision <=> wire::AccessDecision { decision, context }
}

/// The editor (visual) form of a CEL expression: a list of conditions
/// (`model.VisualExpression`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisualExpression {
    /// The conditions, all of which must hold.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub conditions: Vec<Condition>,
}

wire_struct! {
    VisualExpression <=> wire::VisualExpression { conditions }
}

/// One condition of a [`VisualExpression`] (`model.Condition`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Condition {
    /// The user attribute tested.
    pub attribute: String,
    /// The operator (`==`, `in`...).
    pub operator: String,
    /// The value compared with (a string, a list...).
    pub value: Option<Value>,
    /// The kind of value (Go's `model.ValueType`).
    pub value_type: i64,
    /// The attribute's type.
    pub attribute_type: String,
    /// Whether some values are hidden from the caller.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub has_masked_values: bool,
}

wire_struct! {
    Condition <=> wire::Condition { attribute, operator, value, value_type, attribute_type, has_masked_values }
}

/// A page of the users a CEL expression selects, and how many there are in all
/// (`model.AccessControlPolicyTestResponse`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessControlPolicyTestResponse {
    /// The users of this page.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub users: Vec<User>,
    /// How many users the expression selects.
    pub total: i64,
}

wire_struct! {
    AccessControlPolicyTestResponse <=> wire::AccessControlPolicyTestResponse { users, total }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::convert::{FromWire, IntoWire};

    #[test]
    fn a_policy_round_trips_through_go_json_and_the_wire() {
        let mut props = JsonMap::new();
        props.insert("n".into(), json!(3));
        let policy = AccessControlPolicy {
            active: true,
            create_at: Timestamp::from_millis(1_700_000_000_000),
            revision: 2,
            version: "v0.1".into(),
            roles: vec!["system_user".into()],
            scope: "channel".into(),
            props: Some(props),
            ..AccessControlPolicy::new("p1", "clearance", "channel")
                .with_rule(AccessControlPolicyRule::new(["*"], "true"))
        };
        let value = serde_json::to_value(&policy).unwrap();
        assert_eq!(value["type"], "channel");
        assert_eq!(value["rules"][0], json!({"actions": ["*"], "expression": "true"}));
        assert!(value.get("scope_id").is_none(), "omitempty in Go: {value}");
        let back: AccessControlPolicy = serde_json::from_value(value).unwrap();
        assert_eq!(back, policy);
        let wire: wire::AccessControlPolicy = policy.clone().into_wire();
        assert_eq!(AccessControlPolicy::from_wire(wire).unwrap(), policy);
    }

    #[test]
    fn go_nulls_read_as_empty() {
        let policy: AccessControlPolicy =
            serde_json::from_value(json!({"id": "p", "roles": null, "rules": null, "imports": null}))
                .unwrap();
        assert!(policy.roles.is_empty() && policy.rules.is_empty() && policy.imports.is_empty());
        let visual: VisualExpression = serde_json::from_value(json!({"conditions": null})).unwrap();
        assert!(visual.conditions.is_empty());
    }
}
