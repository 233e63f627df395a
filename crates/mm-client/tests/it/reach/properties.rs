//! Reach entries: property groups, fields and values.

use mm_types::convert::IntoWire;
use mm_types::{Deleted, Page, PropertyField, PropertyFieldType, PropertyValue, Timestamp, wire};
use serde_json::json;

use super::{Reach, id};

fn field(name: &str) -> PropertyField {
    let mut field = PropertyField::new(id("group-f"), name, PropertyFieldType::MultiSelect)
        .for_target("post", "post-target")
        .with_attr("options", json!([{"name": "high"}, {"name": "low"}]));
    field.id = id("field-id");
    field.create_at = Timestamp::from_millis(1_700_000_000_001);
    field
}

fn value(target: &str) -> PropertyValue {
    let mut value =
        PropertyValue::new(id("group-v"), id("field-v"), "user", target, json!({"level": 3, "tags": ["x"]}));
    value.id = id("value-id");
    value
}

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let p = c.properties();
    r.check(
        "RegisterPropertyGroup",
        p.register_group("com.example.group"),
        wire::RegisterPropertyGroupRequest { name: "com.example.group".into() },
    )
    .await;
    r.check(
        "GetPropertyGroup",
        p.get_group("com.example.other"),
        wire::GetPropertyGroupRequest { name: "com.example.other".into() },
    )
    .await;
    r.check(
        "CreatePropertyField",
        p.create_field(field("severity")),
        wire::CreatePropertyFieldRequest { field: Some(field("severity").into_wire()) },
    )
    .await;
    r.check(
        "GetPropertyField",
        p.get_field(&id("group-gf"), &id("field-gf")),
        wire::GetPropertyFieldRequest { group_id: "group-gf".into(), field_id: "field-gf".into() },
    )
    .await;
    r.check(
        "GetPropertyFields",
        p.get_fields(&id("group-gfs"), &[id("field-1"), id("field-2")]),
        wire::GetPropertyFieldsRequest {
            group_id: "group-gfs".into(),
            ids: vec!["field-1".into(), "field-2".into()],
        },
    )
    .await;
    r.check(
        "GetPropertyFieldByName",
        p.get_field_by_name(&id("group-byname"), "target-byname", "name-byname"),
        wire::GetPropertyFieldByNameRequest {
            group_id: "group-byname".into(),
            target_id: "target-byname".into(),
            name: "name-byname".into(),
        },
    )
    .await;
    r.check(
        "UpdatePropertyField",
        p.update_field(&id("group-uf"), field("renamed")),
        wire::UpdatePropertyFieldRequest {
            group_id: "group-uf".into(),
            field: Some(field("renamed").into_wire()),
        },
    )
    .await;
    r.check(
        "UpdatePropertyFields",
        p.update_fields(&id("group-ufs"), vec![field("a"), field("b")]),
        wire::UpdatePropertyFieldsRequest {
            group_id: "group-ufs".into(),
            fields: vec![field("a").into_wire(), field("b").into_wire()],
        },
    )
    .await;
    r.check(
        "DeletePropertyField",
        p.delete_field(&id("group-df"), &id("field-df")),
        wire::DeletePropertyFieldRequest { group_id: "group-df".into(), field_id: "field-df".into() },
    )
    .await;
    r.check(
        "SearchPropertyFields",
        p.search_fields(&id("group-sf"))
            .target_type("channel")
            .target_id("chan-sf")
            .include_deleted()
            .page(Page::new(2, 25)),
        wire::SearchPropertyFieldsRequest {
            group_id: "group-sf".into(),
            opts: Some(wire::PropertyFieldSearchOpts {
                page: 2,
                per_page: 25,
                include_deleted: true,
                target_type: "channel".into(),
                target_id: "chan-sf".into(),
            }),
        },
    )
    .await;
    r.check(
        "CountPropertyFields",
        p.count_fields(&id("group-cf"), Deleted::Include),
        wire::CountPropertyFieldsRequest { group_id: "group-cf".into(), include_deleted: true },
    )
    .await;
    r.check(
        "CountPropertyFieldsForTarget",
        p.count_fields_for_target(&id("group-cft"), "post", "post-cft", Deleted::Exclude),
        wire::CountPropertyFieldsForTargetRequest {
            group_id: "group-cft".into(),
            target_type: "post".into(),
            target_id: "post-cft".into(),
            include_deleted: false,
        },
    )
    .await;
    r.check(
        "CreatePropertyValue",
        p.create_value(value("user-cv")),
        wire::CreatePropertyValueRequest { value: Some(value("user-cv").into_wire()) },
    )
    .await;
    r.check(
        "GetPropertyValue",
        p.get_value(&id("group-gv"), &id("value-gv")),
        wire::GetPropertyValueRequest { group_id: "group-gv".into(), value_id: "value-gv".into() },
    )
    .await;
    r.check(
        "GetPropertyValues",
        p.get_values(&id("group-gvs"), &[id("value-1"), id("value-2"), id("value-3")]),
        wire::GetPropertyValuesRequest {
            group_id: "group-gvs".into(),
            ids: vec!["value-1".into(), "value-2".into(), "value-3".into()],
        },
    )
    .await;
    r.check(
        "UpdatePropertyValue",
        p.update_value(&id("group-uv"), value("user-uv")),
        wire::UpdatePropertyValueRequest {
            group_id: "group-uv".into(),
            value: Some(value("user-uv").into_wire()),
        },
    )
    .await;
    r.check(
        "UpdatePropertyValues",
        p.update_values(&id("group-uvs"), vec![value("user-a"), value("user-b")]),
        wire::UpdatePropertyValuesRequest {
            group_id: "group-uvs".into(),
            values: vec![value("user-a").into_wire(), value("user-b").into_wire()],
        },
    )
    .await;
    r.check(
        "UpsertPropertyValue",
        p.upsert_value(value("user-upv")),
        wire::UpsertPropertyValueRequest { value: Some(value("user-upv").into_wire()) },
    )
    .await;
    r.check(
        "UpsertPropertyValues",
        p.upsert_values(vec![value("user-c"), value("user-d")]),
        wire::UpsertPropertyValuesRequest {
            values: vec![value("user-c").into_wire(), value("user-d").into_wire()],
        },
    )
    .await;
    r.check(
        "DeletePropertyValue",
        p.delete_value(&id("group-dv"), &id("value-dv")),
        wire::DeletePropertyValueRequest { group_id: "group-dv".into(), value_id: "value-dv".into() },
    )
    .await;
    r.check(
        "DeletePropertyValuesForTarget",
        p.delete_values_for_target(&id("group-dvt"), "channel", "chan-dvt"),
        wire::DeletePropertyValuesForTargetRequest {
            group_id: "group-dvt".into(),
            target_type: "channel".into(),
            target_id: "chan-dvt".into(),
        },
    )
    .await;
    r.check(
        "DeletePropertyValuesForField",
        p.delete_values_for_field(&id("group-dvf"), &id("field-dvf")),
        wire::DeletePropertyValuesForFieldRequest {
            group_id: "group-dvf".into(),
            field_id: "field-dvf".into(),
        },
    )
    .await;
    r.check(
        "SearchPropertyValues",
        p.search_values(&id("group-sv"))
            .target("post", "post-sv")
            .field(&id("field-sv"))
            .page(Page::new(1, 60)),
        wire::SearchPropertyValuesRequest {
            group_id: "group-sv".into(),
            opts: Some(wire::PropertyValueSearchOpts {
                page: 1,
                per_page: 60,
                include_deleted: false,
                target_type: "post".into(),
                target_id: "post-sv".into(),
                field_id: "field-sv".into(),
            }),
        },
    )
    .await;
}
