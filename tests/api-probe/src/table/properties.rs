//! Property groups, fields and values.

use mattermost_plugin::serde_json::json;
use mattermost_plugin::types::{
    Deleted, Page, PropertyField, PropertyFieldId, PropertyFieldType, PropertyGroupId,
    PropertyRequestOptions, PropertyValue, PropertyValueId, Timestamp,
};

use super::{Entry, Vals, e, one, unit};
use crate::report::j;

fn field(v: Vals, n: usize) -> PropertyField {
    let mut field = PropertyField::new(v.id(1), v.text("field"), PropertyFieldType::Select)
        .for_target("channel", v.raw_id(2))
        .with_attr("probe", v.text("attr"));
    field.id = v.id(n);
    field.create_at = Timestamp::from_millis(1_700_000_000_000);
    field
}

fn value(v: Vals, n: usize) -> PropertyValue {
    let mut value =
        PropertyValue::new(v.id(1), v.id(3), "user", v.raw_id(2), json!({"probe": v.text("value")}));
    value.id = v.id(n);
    value
}

pub(super) fn entries() -> Vec<Entry> {
    vec![
        e("RegisterPropertyGroup", |c, v| {
            one(args![v.text("group")], c.properties().register_group(&v.text("group")))
        }),
        e("GetPropertyGroup", |c, v| one(args![v.text("group")], c.properties().get_group(&v.text("group")))),
        e("CreatePropertyField", |c, v| one(args![field(v, 0)], c.properties().create_field(field(v, 0)))),
        e("GetPropertyField", |c, v| {
            let (group, id): (PropertyGroupId, PropertyFieldId) = (v.id(0), v.id(1));
            one(args![group, id], c.properties().get_field(&group, &id))
        }),
        e("GetPropertyFields", |c, v| {
            let (group, ids): (PropertyGroupId, Vec<PropertyFieldId>) = (v.id(0), vec![v.id(1), v.id(2)]);
            one(args![group, ids], c.properties().get_fields(&group, &ids))
        }),
        e("GetPropertyFieldByName", |c, v| {
            let group: PropertyGroupId = v.id(0);
            let call = c.properties().get_field_by_name(&group, &v.raw_id(1), &v.text("name"));
            one(args![group, v.raw_id(1), v.text("name")], call)
        }),
        e("UpdatePropertyField", |c, v| {
            let group: PropertyGroupId = v.id(1);
            one(args![group, field(v, 0)], c.properties().update_field(&group, field(v, 0)))
        }),
        e("UpdatePropertyFields", |c, v| {
            let group: PropertyGroupId = v.id(1);
            let fields = vec![field(v, 0), field(v, 5)];
            one(args![group, fields], c.properties().update_fields(&group, fields))
        }),
        e("DeletePropertyField", |c, v| {
            let (group, id): (PropertyGroupId, PropertyFieldId) = (v.id(0), v.id(1));
            unit(args![group, id], c.properties().delete_field(&group, &id))
        }),
        e("SearchPropertyFields", |c, v| {
            let group: PropertyGroupId = v.id(0);
            // `model.PropertyFieldSearchOpts` has no json tags: Go's field names.
            let options = json!({"TargetType": "channel", "TargetIDs": [v.raw_id(1)], "IncludeDeleted": true, "PerPage": 25});
            let call = c
                .properties()
                .search_fields(&group)
                .target_type("channel")
                .target_id(&v.raw_id(1))
                .include_deleted()
                .page(Page::first(25))
                .send();
            one(vec![j(&group), options], call)
        }),
        e("CountPropertyFields", |c, v| {
            let group: PropertyGroupId = v.id(0);
            one(args![group, true], c.properties().count_fields(&group, Deleted::Include))
        }),
        e("CountPropertyFieldsForTarget", |c, v| {
            let group: PropertyGroupId = v.id(0);
            let call =
                c.properties().count_fields_for_target(&group, "channel", &v.raw_id(1), Deleted::Include);
            one(args![group, "channel", v.raw_id(1), true], call)
        }),
        e("CreatePropertyValue", |c, v| one(args![value(v, 0)], c.properties().create_value(value(v, 0)))),
        e("GetPropertyValue", |c, v| {
            let (group, id): (PropertyGroupId, PropertyValueId) = (v.id(0), v.id(1));
            one(args![group, id], c.properties().get_value(&group, &id))
        }),
        e("GetPropertyValues", |c, v| {
            let (group, ids): (PropertyGroupId, Vec<PropertyValueId>) = (v.id(0), vec![v.id(1), v.id(2)]);
            one(args![group, ids], c.properties().get_values(&group, &ids))
        }),
        e("UpdatePropertyValue", |c, v| {
            let group: PropertyGroupId = v.id(1);
            one(args![group, value(v, 0)], c.properties().update_value(&group, value(v, 0)))
        }),
        e("UpdatePropertyValues", |c, v| {
            let group: PropertyGroupId = v.id(1);
            let values = vec![value(v, 0), value(v, 5)];
            one(args![group, values], c.properties().update_values(&group, values))
        }),
        e("UpsertPropertyValue", |c, v| one(args![value(v, 0)], c.properties().upsert_value(value(v, 0)))),
        e("UpsertPropertyValues", |c, v| {
            let values = vec![value(v, 0), value(v, 5)];
            one(args![values], c.properties().upsert_values(values))
        }),
        e("DeletePropertyValue", |c, v| {
            let (group, id): (PropertyGroupId, PropertyValueId) = (v.id(0), v.id(1));
            unit(args![group, id], c.properties().delete_value(&group, &id))
        }),
        e("DeletePropertyValuesForTarget", |c, v| {
            let group: PropertyGroupId = v.id(0);
            let call = c.properties().delete_values_for_target(&group, "user", &v.raw_id(1));
            unit(args![group, "user", v.raw_id(1)], call)
        }),
        e("DeletePropertyValuesForField", |c, v| {
            let (group, id): (PropertyGroupId, PropertyFieldId) = (v.id(0), v.id(1));
            unit(args![group, id], c.properties().delete_values_for_field(&group, &id))
        }),
        e("SearchPropertyValues", |c, v| {
            let (group, field): (PropertyGroupId, PropertyFieldId) = (v.id(0), v.id(2));
            // `model.PropertyValueSearchOpts` has no json tags: Go's field names.
            let options = json!({
                "TargetType": "user", "TargetIDs": [v.raw_id(1)], "FieldID": field, "IncludeDeleted": true, "PerPage": 30,
            });
            let call = c
                .properties()
                .search_values(&group)
                .target("user", &v.raw_id(1))
                .field(&field)
                .include_deleted()
                .page(Page::first(30))
                .send();
            one(vec![j(&group), options], call)
        }),
        e("UpsertPropertyValueWithOptions", |c, v| {
            let options = PropertyRequestOptions::acting_as(v.text("scope"));
            one(args![value(v, 0), options], c.properties().upsert_value_with_options(value(v, 0), options))
        }),
        e("UpsertPropertyValuesWithOptions", |c, v| {
            let options = PropertyRequestOptions::acting_as(v.text("scope"));
            let values = vec![value(v, 0), value(v, 5)];
            let reported = args![values, options];
            one(reported, c.properties().upsert_values_with_options(values, options))
        }),
        e("DeletePropertyValueWithOptions", |c, v| {
            let (group, id): (PropertyGroupId, PropertyValueId) = (v.id(0), v.id(1));
            let options = PropertyRequestOptions::acting_as(v.text("scope"));
            unit(args![group, id, options], c.properties().delete_value_with_options(&group, &id, options))
        }),
        e("DeletePropertyValuesForTargetWithOptions", |c, v| {
            let group: PropertyGroupId = v.id(0);
            let options = PropertyRequestOptions::acting_as(v.text("scope"));
            let call = c.properties().delete_values_for_target_with_options(
                &group,
                "post",
                &v.raw_id(1),
                options.clone(),
            );
            unit(args![group, "post", v.raw_id(1), options], call)
        }),
        e("DeletePropertyValuesForFieldWithOptions", |c, v| {
            let (group, field): (PropertyGroupId, PropertyFieldId) = (v.id(0), v.id(1));
            let options = PropertyRequestOptions::acting_as(v.text("scope"));
            unit(
                args![group, field, options],
                c.properties().delete_values_for_field_with_options(&group, &field, options),
            )
        }),
    ]
}
