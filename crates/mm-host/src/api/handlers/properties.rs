//! Property groups, fields and values.

use mm_proto::v1 as wire;
use mm_types::{PropertyField, PropertyFieldSearchOpts, PropertyValue, PropertyValueSearchOpts};

use super::{id, ids, wires};
use crate::api::router::{ApiRouter, answer, domain, required};

/// Registers the handlers of this domain.
pub(super) fn routes(router: &mut ApiRouter) {
    // properties
    router.route(|api, r: wire::CreatePropertyFieldRequest| {
        let field: PropertyField = domain(required(r.field, "field")?)?;
        let field = api.with(|s| s.create_property_field(field));
        answer(field, |f| wire::CreatePropertyFieldResponse { error: None, field: Some(f.into()) })
    });
    router.route(|api, r: wire::GetPropertyFieldRequest| {
        let field = api.with(|s| s.property_field(&id(r.group_id), &id(r.field_id)));
        answer(field, |f| wire::GetPropertyFieldResponse { error: None, field: Some(f.into()) })
    });
    router.route(|api, r: wire::GetPropertyFieldsRequest| {
        let fields = api.with(|s| s.property_fields_by_ids(&id(r.group_id), &ids(r.ids)));
        answer(fields, |f| wire::GetPropertyFieldsResponse { error: None, fields: wires(f) })
    });
    router.route(|api, r: wire::UpdatePropertyFieldRequest| {
        let field: PropertyField = domain(required(r.field, "field")?)?;
        let fields = api.with(|s| s.update_property_fields(&id(r.group_id), vec![field]));
        answer(fields, |f| wire::UpdatePropertyFieldResponse {
            error: None,
            field: f.into_iter().next().map(Into::into),
        })
    });
    router.route(|api, r: wire::DeletePropertyFieldRequest| {
        let result = api.with(|s| s.delete_property_field(&id(r.group_id), &id(r.field_id)));
        answer(result, |()| wire::DeletePropertyFieldResponse { error: None })
    });
    router.route(|api, r: wire::SearchPropertyFieldsRequest| {
        let opts: PropertyFieldSearchOpts = domain(r.opts.unwrap_or_default())?;
        let fields = api.with(|s| s.search_property_fields(&id(r.group_id), &opts));
        answer(fields, |f| wire::SearchPropertyFieldsResponse { error: None, fields: wires(f) })
    });
    router.route(|api, r: wire::CountPropertyFieldsRequest| {
        let count = api.with(|s| s.count_property_fields(&id(r.group_id), None, r.include_deleted));
        answer(count, |count| wire::CountPropertyFieldsResponse { error: None, count })
    });
    router.route(|api, r: wire::CountPropertyFieldsForTargetRequest| {
        let target = Some((r.target_type.as_str(), r.target_id.as_str()));
        let count = api.with(|s| s.count_property_fields(&id(r.group_id), target, r.include_deleted));
        answer(count, |count| wire::CountPropertyFieldsForTargetResponse { error: None, count })
    });
    router.route(|api, r: wire::CreatePropertyValueRequest| {
        let value: PropertyValue = domain(required(r.value, "value")?)?;
        let value = api.with(|s| s.create_property_value(value));
        answer(value, |v| wire::CreatePropertyValueResponse { error: None, value: Some(v.into()) })
    });
    router.route(|api, r: wire::GetPropertyValueRequest| {
        let value = api.with(|s| s.property_value(&id(r.group_id), &id(r.value_id)));
        answer(value, |v| wire::GetPropertyValueResponse { error: None, value: Some(v.into()) })
    });
    router.route(|api, r: wire::GetPropertyValuesRequest| {
        let values = api.with(|s| s.property_values_by_ids(&id(r.group_id), &ids(r.ids)));
        answer(values, |v| wire::GetPropertyValuesResponse { error: None, values: wires(v) })
    });
    router.route(|api, r: wire::UpdatePropertyValueRequest| {
        let value: PropertyValue = domain(required(r.value, "value")?)?;
        let values = api.with(|s| s.update_property_values(&id(r.group_id), vec![value]));
        answer(values, |v| wire::UpdatePropertyValueResponse {
            error: None,
            value: v.into_iter().next().map(Into::into),
        })
    });
    router.route(|api, r: wire::UpsertPropertyValueRequest| {
        let value: PropertyValue = domain(required(r.value, "value")?)?;
        let values = api.with(|s| s.upsert_property_values(vec![value]));
        answer(values, |v| wire::UpsertPropertyValueResponse {
            error: None,
            value: v.into_iter().next().map(Into::into),
        })
    });
    router.route(|api, r: wire::DeletePropertyValueRequest| {
        let result = api.with(|s| s.delete_property_value(&id(r.group_id), &id(r.value_id)));
        answer(result, |()| wire::DeletePropertyValueResponse { error: None })
    });
    router.route(|api, r: wire::SearchPropertyValuesRequest| {
        let opts: PropertyValueSearchOpts = domain(r.opts.unwrap_or_default())?;
        let values = api.with(|s| s.search_property_values(&id(r.group_id), &opts));
        answer(values, |v| wire::SearchPropertyValuesResponse { error: None, values: wires(v) })
    });
    router.route(|api, r: wire::RegisterPropertyGroupRequest| {
        let group = api.with(|s| s.register_property_group(&r.name));
        answer(group, |g| wire::RegisterPropertyGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::GetPropertyGroupRequest| {
        let group = api.with(|s| s.property_group(&r.name));
        answer(group, |g| wire::GetPropertyGroupResponse { error: None, group: Some(g.into()) })
    });
    router.route(|api, r: wire::GetPropertyFieldByNameRequest| {
        let field = api.with(|s| s.property_field_by_name(&id(r.group_id), &r.target_id, &r.name));
        answer(field, |f| wire::GetPropertyFieldByNameResponse { error: None, field: Some(f.into()) })
    });
    router.route(|api, r: wire::UpdatePropertyFieldsRequest| {
        let fields: Vec<PropertyField> = domain(r.fields)?;
        let fields = api.with(|s| s.update_property_fields(&id(r.group_id), fields));
        answer(fields, |f| wire::UpdatePropertyFieldsResponse { error: None, fields: wires(f) })
    });
    router.route(|api, r: wire::UpdatePropertyValuesRequest| {
        let values: Vec<PropertyValue> = domain(r.values)?;
        let values = api.with(|s| s.update_property_values(&id(r.group_id), values));
        answer(values, |v| wire::UpdatePropertyValuesResponse { error: None, values: wires(v) })
    });
    router.route(|api, r: wire::UpsertPropertyValuesRequest| {
        let values: Vec<PropertyValue> = domain(r.values)?;
        let values = api.with(|s| s.upsert_property_values(values));
        answer(values, |v| wire::UpsertPropertyValuesResponse { error: None, values: wires(v) })
    });
    router.route(|api, r: wire::DeletePropertyValuesForTargetRequest| {
        let result =
            api.with(|s| s.delete_property_values_for_target(&id(r.group_id), &r.target_type, &r.target_id));
        answer(result, |()| wire::DeletePropertyValuesForTargetResponse { error: None })
    });
    router.route(|api, r: wire::DeletePropertyValuesForFieldRequest| {
        let result = api.with(|s| s.delete_property_values_for_field(&id(r.group_id), &id(r.field_id)));
        answer(result, |()| wire::DeletePropertyValuesForFieldResponse { error: None })
    });
}
