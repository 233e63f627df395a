//! Attribute-based access control (stock servers only: over gRPC these answer `Unsupported`).

use mattermost_plugin::types::{AccessControlPolicy, AccessControlPolicyRule, JsonMap, Timestamp, UserId};

use super::{Entry, Vals, e, one, unit};

fn policy(v: Vals) -> AccessControlPolicy {
    let mut props = JsonMap::new();
    props.insert("probe".into(), v.text("prop").into());
    let mut rule = AccessControlPolicyRule::new([v.text("action")], v.text("expression"));
    rule.name = v.text("rule");
    AccessControlPolicy {
        active: true,
        create_at: Timestamp::from_millis(1_700_000_000_000),
        revision: v.number(1),
        version: "v0.1".into(),
        roles: vec![v.text("role")],
        imports: vec![v.raw_id(2)],
        scope: v.text("scope"),
        scope_id: v.raw_id(3),
        props: Some(props),
        ..AccessControlPolicy::new(v.raw_id(0), v.text("policy"), "channel").with_rule(rule)
    }
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("CheckAccessControlExpression", |c, v| {
            let user: UserId = v.id(0);
            let call = c.access_control().check_expression(&user, "channel", &v.text("expression"));
            one(args![user, "channel", v.text("expression")], call)
        }),
        e("DeleteAccessControlPolicy", |c, v| {
            let user: UserId = v.id(0);
            unit(
                args![user, "channel", v.raw_id(1)],
                c.access_control().delete_policy(&user, "channel", &v.raw_id(1)),
            )
        }),
        e("EvaluateAccessControl", |c, v| {
            let user: UserId = v.id(0);
            let call = c.access_control().evaluate(&user, "channel", &v.raw_id(1), &v.text("action"));
            one(args![user, "channel", v.raw_id(1), v.text("action")], call)
        }),
        e("GetAccessControlFieldsAutocomplete", |c, v| {
            let user: UserId = v.id(0);
            let limit = v.number(1);
            let call = c.access_control().fields_autocomplete(&user, &v.text("after"), limit);
            one(args![user, v.text("after"), limit], call)
        }),
        e("GetAccessControlPolicy", |c, v| {
            one(args![v.raw_id(0)], c.access_control().get_policy(&v.raw_id(0)))
        }),
        e("GetAccessControlVisualAST", |c, v| {
            let user: UserId = v.id(0);
            let call = c.access_control().visual_ast(&user, "channel", &v.text("expression"));
            one(args![user, "channel", v.text("expression")], call)
        }),
        e("QueryUsersForAccessControlExpression", |c, v| {
            let user: UserId = v.id(0);
            let (expression, term, cursor, limit) =
                (v.text("expression"), v.text("term"), v.raw_id(1), v.number(2));
            let call = c.access_control().query_users(&user, "channel", &expression, &term, &cursor, limit);
            one(args![user, "channel", expression, term, cursor, limit], call)
        }),
        e("SaveAccessControlPolicy", |c, v| {
            let user: UserId = v.id(1);
            one(args![user, policy(v)], c.access_control().save_policy(&user, policy(v)))
        }),
    ]
}

#[cfg(test)]
mod tests {
    use mattermost_plugin::serde_json::json;

    use super::*;

    #[test]
    fn the_policy_argument_is_go_json() {
        let value = crate::report::j(&policy(Vals::new("SaveAccessControlPolicy")));
        for key in [
            "id",
            "name",
            "type",
            "active",
            "create_at",
            "revision",
            "version",
            "roles",
            "imports",
            "rules",
            "scope",
            "scope_id",
            "props",
        ] {
            assert!(value.get(key).is_some_and(|v| !v.is_null()), "{key} missing in {value}");
        }
        assert_eq!(value["rules"][0]["actions"], json!(["SaveAccessControlPolicy/action"]));
    }
}
