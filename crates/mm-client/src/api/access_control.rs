//! Attribute-based access control: policies, CEL expression checks and evaluations.
//!
//! Only the stock servers' net/rpc protocol has these RPCs: over gRPC every method here fails
//! at once with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), naming the RPC.

use mm_types::convert::IntoWire;
use mm_types::{
    AccessControlPolicy, AccessControlPolicyTestResponse, AccessDecision, CelExpressionError, PropertyField,
    UserId, VisualExpression, wire,
};

use crate::client::{ApiClient, from_wire, payload};
use crate::mode::Mode;

/// Access control policies and expressions: `client.access_control()` (stock servers only).
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, admin: mm_types::UserId) -> mm_client::Result<()> {
/// let errors = client.access_control().check_expression(&admin, "channel", "user.attributes.team == 'red'").await?;
/// assert!(errors.is_empty());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct AccessControl<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Access control policies and expressions (stock servers only).
    pub fn access_control(&self) -> AccessControl<'_, M> {
        AccessControl { client: self }
    }
}

impl<M: Mode> AccessControl<'_, M> {
    /// The syntax and type errors of a CEL expression for a kind of resource, checked on
    /// behalf of `acting_user_id`; empty when it is valid (`CheckAccessControlExpression`).
    pub fn check_expression(
        &self,
        acting_user_id: &UserId,
        resource_type: &str,
        expression: &str,
    ) -> M::Output<Vec<CelExpressionError>> {
        let request = wire::CheckAccessControlExpressionRequest {
            acting_user_id: acting_user_id.to_string(),
            resource_type: resource_type.to_owned(),
            expression: expression.to_owned(),
        };
        self.client.call(request, |r| from_wire(r.errors))
    }

    /// Deletes a policy, on behalf of `acting_user_id` (`DeleteAccessControlPolicy`).
    pub fn delete_policy(
        &self,
        acting_user_id: &UserId,
        resource_type: &str,
        policy_id: &str,
    ) -> M::Output<()> {
        let request = wire::DeleteAccessControlPolicyRequest {
            acting_user_id: acting_user_id.to_string(),
            resource_type: resource_type.to_owned(),
            id: policy_id.to_owned(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Whether a user may perform `action` on a resource (`EvaluateAccessControl`).
    pub fn evaluate(
        &self,
        user_id: &UserId,
        resource_type: &str,
        resource_id: &str,
        action: &str,
    ) -> M::Output<AccessDecision> {
        let request = wire::EvaluateAccessControlRequest {
            user_id: user_id.to_string(),
            resource_type: resource_type.to_owned(),
            resource_id: resource_id.to_owned(),
            action: action.to_owned(),
        };
        self.client.call(request, |r| payload(r.decision, "decision"))
    }

    /// The user attribute fields an expression can use, a page of at most `limit` after the
    /// field named `after` (`GetAccessControlFieldsAutocomplete`).
    pub fn fields_autocomplete(
        &self,
        acting_user_id: &UserId,
        after: &str,
        limit: i64,
    ) -> M::Output<Vec<PropertyField>> {
        let request = wire::GetAccessControlFieldsAutocompleteRequest {
            acting_user_id: acting_user_id.to_string(),
            after: after.to_owned(),
            limit,
        };
        self.client.call(request, |r| from_wire(r.fields))
    }

    /// A policy by id (`GetAccessControlPolicy`).
    pub fn get_policy(&self, policy_id: &str) -> M::Output<AccessControlPolicy> {
        let request = wire::GetAccessControlPolicyRequest { id: policy_id.to_owned() };
        self.client.call(request, |r| payload(r.policy, "policy"))
    }

    /// The editor (visual) form of a CEL expression (`GetAccessControlVisualAST`).
    pub fn visual_ast(
        &self,
        acting_user_id: &UserId,
        resource_type: &str,
        expression: &str,
    ) -> M::Output<VisualExpression> {
        let request = wire::GetAccessControlVisualAstRequest {
            acting_user_id: acting_user_id.to_string(),
            resource_type: resource_type.to_owned(),
            expression: expression.to_owned(),
        };
        self.client.call(request, |r| payload(r.expression, "expression"))
    }

    /// The users an expression selects: a page of at most `limit` users matching `term`,
    /// after the user `cursor_id` (`QueryUsersForAccessControlExpression`).
    pub fn query_users(
        &self,
        acting_user_id: &UserId,
        resource_type: &str,
        expression: &str,
        term: &str,
        cursor_id: &str,
        limit: i64,
    ) -> M::Output<AccessControlPolicyTestResponse> {
        let request = wire::QueryUsersForAccessControlExpressionRequest {
            acting_user_id: acting_user_id.to_string(),
            resource_type: resource_type.to_owned(),
            expression: expression.to_owned(),
            term: term.to_owned(),
            cursor_id: cursor_id.to_owned(),
            limit,
        };
        self.client.call(request, |r| payload(r.result, "result"))
    }

    /// Creates or updates a policy, on behalf of `acting_user_id`; returns it as stored
    /// (`SaveAccessControlPolicy`).
    pub fn save_policy(
        &self,
        acting_user_id: &UserId,
        policy: AccessControlPolicy,
    ) -> M::Output<AccessControlPolicy> {
        let request = wire::SaveAccessControlPolicyRequest {
            acting_user_id: acting_user_id.to_string(),
            policy: Some(policy.into_wire()),
        };
        self.client.call(request, |r| payload(r.policy, "policy"))
    }
}
