//! Custom properties: groups of typed fields that plugins attach to posts, users, channels
//! and other objects, and the values of those fields.

use mm_types::Page;
use mm_types::convert::IntoWire;
use mm_types::{
    Deleted, PropertyField, PropertyFieldId, PropertyGroup, PropertyGroupId, PropertyRequestOptions,
    PropertyValue, PropertyValueId, wire,
};

use super::ids;
use crate::client::{ApiClient, from_wire, payload};
use crate::mode::{ApiCall, Mode};
use crate::pages::paged_builder;

/// Property groups, fields and values: `client.properties()`.
///
/// A plugin registers a group once, defines fields in it (a field applies to a kind of object,
/// its *target type*, such as `post` or `user`), then sets values of those fields on objects
/// (its *targets*, by id).
///
/// ```no_run
/// # async fn demo(client: mm_client::Client, post: mm_types::PostId) -> mm_client::Result<()> {
/// use mm_types::{PropertyField, PropertyFieldType, PropertyValue};
/// let properties = client.properties();
/// let group = properties.register_group("com.example.triage").await?;
/// let field = PropertyField::new(group.id.clone(), "severity", PropertyFieldType::Text).for_target("post", "");
/// let field = properties.create_field(field).await?;
/// properties
///     .upsert_value(PropertyValue::new(group.id, field.id, "post", post.as_str(), "high"))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Properties<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Property groups, fields and values.
    pub fn properties(&self) -> Properties<'_, M> {
        Properties { client: self }
    }
}

impl<'a, M: Mode> Properties<'a, M> {
    /// Registers a property group for the plugin, or returns the existing one of that name
    /// (`RegisterPropertyGroup`).
    pub fn register_group(&self, name: &str) -> M::Output<PropertyGroup> {
        let request = wire::RegisterPropertyGroupRequest { name: name.to_owned() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// A property group by name (`GetPropertyGroup`).
    pub fn get_group(&self, name: &str) -> M::Output<PropertyGroup> {
        let request = wire::GetPropertyGroupRequest { name: name.to_owned() };
        self.client.call(request, |r| payload(r.group, "group"))
    }

    /// Creates a property field (`CreatePropertyField`) and returns it as stored, with its id.
    pub fn create_field(&self, field: PropertyField) -> M::Output<PropertyField> {
        let request = wire::CreatePropertyFieldRequest { field: Some(field.into_wire()) };
        self.client.call(request, |r| payload(r.field, "field"))
    }

    /// A property field of a group by id (`GetPropertyField`).
    pub fn get_field(
        &self,
        group_id: &PropertyGroupId,
        field_id: &PropertyFieldId,
    ) -> M::Output<PropertyField> {
        let request =
            wire::GetPropertyFieldRequest { group_id: group_id.to_string(), field_id: field_id.to_string() };
        self.client.call(request, |r| payload(r.field, "field"))
    }

    /// Property fields of a group by id (`GetPropertyFields`).
    pub fn get_fields(
        &self,
        group_id: &PropertyGroupId,
        field_ids: &[PropertyFieldId],
    ) -> M::Output<Vec<PropertyField>> {
        let request = wire::GetPropertyFieldsRequest { group_id: group_id.to_string(), ids: ids(field_ids) };
        self.client.call(request, |r| from_wire(r.fields))
    }

    /// A property field of a group by name, for a target (`""` for a field that applies to
    /// every object of its type) (`GetPropertyFieldByName`).
    pub fn get_field_by_name(
        &self,
        group_id: &PropertyGroupId,
        target_id: &str,
        name: &str,
    ) -> M::Output<PropertyField> {
        let request = wire::GetPropertyFieldByNameRequest {
            group_id: group_id.to_string(),
            target_id: target_id.to_owned(),
            name: name.to_owned(),
        };
        self.client.call(request, |r| payload(r.field, "field"))
    }

    /// Updates a property field of a group (`UpdatePropertyField`) and returns it as stored.
    pub fn update_field(&self, group_id: &PropertyGroupId, field: PropertyField) -> M::Output<PropertyField> {
        let request = wire::UpdatePropertyFieldRequest {
            group_id: group_id.to_string(),
            field: Some(field.into_wire()),
        };
        self.client.call(request, |r| payload(r.field, "field"))
    }

    /// Updates several property fields of a group at once (`UpdatePropertyFields`) and
    /// returns them as stored.
    pub fn update_fields(
        &self,
        group_id: &PropertyGroupId,
        fields: Vec<PropertyField>,
    ) -> M::Output<Vec<PropertyField>> {
        let request =
            wire::UpdatePropertyFieldsRequest { group_id: group_id.to_string(), fields: fields.into_wire() };
        self.client.call(request, |r| from_wire(r.fields))
    }

    /// Deletes a property field of a group (`DeletePropertyField`; it is marked deleted).
    pub fn delete_field(&self, group_id: &PropertyGroupId, field_id: &PropertyFieldId) -> M::Output<()> {
        let request = wire::DeletePropertyFieldRequest {
            group_id: group_id.to_string(),
            field_id: field_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Searches the property fields of a group (`SearchPropertyFields`); finish with
    /// `.send()` or `.await`. Default: the first page of 60, deleted fields left out.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, group: mm_types::PropertyGroupId) -> mm_client::Result<()> {
    /// let post_fields = client.properties().search_fields(&group).target_type("post").page(mm_types::Page::first(100)).await?;
    /// # Ok(()) }
    /// ```
    pub fn search_fields(&self, group_id: &PropertyGroupId) -> SearchPropertyFields<'a, M> {
        SearchPropertyFields {
            client: self.client,
            request: wire::SearchPropertyFieldsRequest {
                group_id: group_id.to_string(),
                opts: Some(wire::PropertyFieldSearchOpts::default()),
            },
            page: Page::default(),
        }
    }

    /// How many property fields a group has (`CountPropertyFields`).
    pub fn count_fields(&self, group_id: &PropertyGroupId, deleted: Deleted) -> M::Output<i64> {
        let request = wire::CountPropertyFieldsRequest {
            group_id: group_id.to_string(),
            include_deleted: deleted.included(),
        };
        self.client.call(request, |r| Ok(r.count))
    }

    /// How many property fields of a group apply to a target (`CountPropertyFieldsForTarget`).
    pub fn count_fields_for_target(
        &self,
        group_id: &PropertyGroupId,
        target_type: &str,
        target_id: &str,
        deleted: Deleted,
    ) -> M::Output<i64> {
        let request = wire::CountPropertyFieldsForTargetRequest {
            group_id: group_id.to_string(),
            target_type: target_type.to_owned(),
            target_id: target_id.to_owned(),
            include_deleted: deleted.included(),
        };
        self.client.call(request, |r| Ok(r.count))
    }

    /// Creates a property value (`CreatePropertyValue`) and returns it as stored, with its id.
    pub fn create_value(&self, value: PropertyValue) -> M::Output<PropertyValue> {
        let request = wire::CreatePropertyValueRequest { value: Some(value.into_wire()) };
        self.client.call(request, |r| payload(r.value, "value"))
    }

    /// A property value of a group by id (`GetPropertyValue`).
    pub fn get_value(
        &self,
        group_id: &PropertyGroupId,
        value_id: &PropertyValueId,
    ) -> M::Output<PropertyValue> {
        let request =
            wire::GetPropertyValueRequest { group_id: group_id.to_string(), value_id: value_id.to_string() };
        self.client.call(request, |r| payload(r.value, "value"))
    }

    /// Property values of a group by id (`GetPropertyValues`).
    pub fn get_values(
        &self,
        group_id: &PropertyGroupId,
        value_ids: &[PropertyValueId],
    ) -> M::Output<Vec<PropertyValue>> {
        let request = wire::GetPropertyValuesRequest { group_id: group_id.to_string(), ids: ids(value_ids) };
        self.client.call(request, |r| from_wire(r.values))
    }

    /// Updates a property value of a group (`UpdatePropertyValue`) and returns it as stored.
    pub fn update_value(&self, group_id: &PropertyGroupId, value: PropertyValue) -> M::Output<PropertyValue> {
        let request = wire::UpdatePropertyValueRequest {
            group_id: group_id.to_string(),
            value: Some(value.into_wire()),
        };
        self.client.call(request, |r| payload(r.value, "value"))
    }

    /// Updates several property values of a group at once (`UpdatePropertyValues`) and
    /// returns them as stored.
    pub fn update_values(
        &self,
        group_id: &PropertyGroupId,
        values: Vec<PropertyValue>,
    ) -> M::Output<Vec<PropertyValue>> {
        let request =
            wire::UpdatePropertyValuesRequest { group_id: group_id.to_string(), values: values.into_wire() };
        self.client.call(request, |r| from_wire(r.values))
    }

    /// Sets the value of a field for a target, creating or replacing it
    /// (`UpsertPropertyValue`), and returns it as stored.
    pub fn upsert_value(&self, value: PropertyValue) -> M::Output<PropertyValue> {
        let request = wire::UpsertPropertyValueRequest { value: Some(value.into_wire()) };
        self.client.call(request, |r| payload(r.value, "value"))
    }

    /// Sets several values at once, creating or replacing each (`UpsertPropertyValues`), and
    /// returns them as stored.
    pub fn upsert_values(&self, values: Vec<PropertyValue>) -> M::Output<Vec<PropertyValue>> {
        let request = wire::UpsertPropertyValuesRequest { values: values.into_wire() };
        self.client.call(request, |r| from_wire(r.values))
    }

    /// Deletes a property value of a group (`DeletePropertyValue`).
    pub fn delete_value(&self, group_id: &PropertyGroupId, value_id: &PropertyValueId) -> M::Output<()> {
        let request = wire::DeletePropertyValueRequest {
            group_id: group_id.to_string(),
            value_id: value_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Deletes every value of a group set on one target (`DeletePropertyValuesForTarget`).
    pub fn delete_values_for_target(
        &self,
        group_id: &PropertyGroupId,
        target_type: &str,
        target_id: &str,
    ) -> M::Output<()> {
        let request = wire::DeletePropertyValuesForTargetRequest {
            group_id: group_id.to_string(),
            target_type: target_type.to_owned(),
            target_id: target_id.to_owned(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Deletes every value of one field of a group (`DeletePropertyValuesForField`).
    pub fn delete_values_for_field(
        &self,
        group_id: &PropertyGroupId,
        field_id: &PropertyFieldId,
    ) -> M::Output<()> {
        let request = wire::DeletePropertyValuesForFieldRequest {
            group_id: group_id.to_string(),
            field_id: field_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// [`upsert_value`](Self::upsert_value) attributed as `options` say
    /// (`UpsertPropertyValueWithOptions`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn upsert_value_with_options(
        &self,
        value: PropertyValue,
        options: PropertyRequestOptions,
    ) -> M::Output<PropertyValue> {
        let request = wire::UpsertPropertyValueWithOptionsRequest {
            value: Some(value.into_wire()),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |r| payload(r.value, "value"))
    }

    /// [`upsert_values`](Self::upsert_values) attributed as `options` say
    /// (`UpsertPropertyValuesWithOptions`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn upsert_values_with_options(
        &self,
        values: Vec<PropertyValue>,
        options: PropertyRequestOptions,
    ) -> M::Output<Vec<PropertyValue>> {
        let request = wire::UpsertPropertyValuesWithOptionsRequest {
            values: values.into_wire(),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |r| from_wire(r.values))
    }

    /// [`delete_value`](Self::delete_value) attributed as `options` say
    /// (`DeletePropertyValueWithOptions`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn delete_value_with_options(
        &self,
        group_id: &PropertyGroupId,
        value_id: &PropertyValueId,
        options: PropertyRequestOptions,
    ) -> M::Output<()> {
        let request = wire::DeletePropertyValueWithOptionsRequest {
            group_id: group_id.to_string(),
            value_id: value_id.to_string(),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// [`delete_values_for_target`](Self::delete_values_for_target) attributed as `options`
    /// say (`DeletePropertyValuesForTargetWithOptions`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn delete_values_for_target_with_options(
        &self,
        group_id: &PropertyGroupId,
        target_type: &str,
        target_id: &str,
        options: PropertyRequestOptions,
    ) -> M::Output<()> {
        let request = wire::DeletePropertyValuesForTargetWithOptionsRequest {
            group_id: group_id.to_string(),
            target_type: target_type.to_owned(),
            target_id: target_id.to_owned(),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// [`delete_values_for_field`](Self::delete_values_for_field) attributed as `options` say
    /// (`DeletePropertyValuesForFieldWithOptions`).
    ///
    /// Only the stock servers' net/rpc protocol has this RPC: over gRPC it fails at once with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    pub fn delete_values_for_field_with_options(
        &self,
        group_id: &PropertyGroupId,
        field_id: &PropertyFieldId,
        options: PropertyRequestOptions,
    ) -> M::Output<()> {
        let request = wire::DeletePropertyValuesForFieldWithOptionsRequest {
            group_id: group_id.to_string(),
            field_id: field_id.to_string(),
            options: Some(options.into_wire()),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Searches the property values of a group (`SearchPropertyValues`); finish with
    /// `.send()` or `.await`. Default: the first page of 60, deleted values left out.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, group: mm_types::PropertyGroupId, post: mm_types::PostId) -> mm_client::Result<()> {
    /// let values = client.properties().search_values(&group).target("post", post.as_str()).await?;
    /// # Ok(()) }
    /// ```
    pub fn search_values(&self, group_id: &PropertyGroupId) -> SearchPropertyValues<'a, M> {
        SearchPropertyValues {
            client: self.client,
            request: wire::SearchPropertyValuesRequest {
                group_id: group_id.to_string(),
                opts: Some(wire::PropertyValueSearchOpts::default()),
            },
            page: Page::default(),
        }
    }
}

/// Filters and paging for [`Properties::search_fields`] (`SearchPropertyFields`).
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct SearchPropertyFields<'a, M: Mode> {
    client: &'a ApiClient<M>,
    request: wire::SearchPropertyFieldsRequest,
    page: Page,
}

impl<M: Mode> SearchPropertyFields<'_, M> {
    fn opts(&mut self) -> &mut wire::PropertyFieldSearchOpts {
        self.request.opts.get_or_insert_with(Default::default)
    }

    /// Only fields for this kind of object (`post`, `user`, `channel`...).
    pub fn target_type(mut self, target_type: &str) -> Self {
        self.opts().target_type = target_type.to_owned();
        self
    }

    /// Only fields limited to this object.
    pub fn target_id(mut self, target_id: &str) -> Self {
        self.opts().target_id = target_id.to_owned();
        self
    }

    /// Lists deleted fields too.
    pub fn include_deleted(mut self) -> Self {
        self.opts().include_deleted = true;
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Sends the search.
    pub fn send(self) -> M::Output<Vec<PropertyField>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<PropertyField>> {
        let mut request = self.request.clone();
        let opts = request.opts.get_or_insert_with(Default::default);
        opts.page = page.wire_index();
        opts.per_page = page.wire_per_page();
        self.client.call_async(request, |r| from_wire(r.fields))
    }
}

awaitable_builder!(SearchPropertyFields, Vec<PropertyField>);
paged_builder!(SearchPropertyFields, PropertyField);

/// Filters and paging for [`Properties::search_values`] (`SearchPropertyValues`).
#[derive(Debug)]
#[must_use = "a builder does nothing until sent"]
pub struct SearchPropertyValues<'a, M: Mode> {
    client: &'a ApiClient<M>,
    request: wire::SearchPropertyValuesRequest,
    page: Page,
}

impl<M: Mode> SearchPropertyValues<'_, M> {
    fn opts(&mut self) -> &mut wire::PropertyValueSearchOpts {
        self.request.opts.get_or_insert_with(Default::default)
    }

    /// Only values set on objects of this kind (`post`, `user`, `channel`...).
    pub fn target_type(mut self, target_type: &str) -> Self {
        self.opts().target_type = target_type.to_owned();
        self
    }

    /// Only values set on this object.
    pub fn target_id(mut self, target_id: &str) -> Self {
        self.opts().target_id = target_id.to_owned();
        self
    }

    /// Only values set on this object of this kind: [`target_type`](Self::target_type) and
    /// [`target_id`](Self::target_id) together.
    pub fn target(self, target_type: &str, target_id: &str) -> Self {
        self.target_type(target_type).target_id(target_id)
    }

    /// Only values of this field.
    pub fn field(mut self, field_id: &PropertyFieldId) -> Self {
        self.opts().field_id = field_id.to_string();
        self
    }

    /// Lists deleted values too.
    pub fn include_deleted(mut self) -> Self {
        self.opts().include_deleted = true;
        self
    }

    /// Which page to get, and its size (default: the first page of 60).
    pub fn page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }

    /// Sends the search.
    pub fn send(self) -> M::Output<Vec<PropertyValue>> {
        self.client.run(self.fetch(self.page))
    }

    /// The call for one page.
    fn fetch(&self, page: Page) -> ApiCall<Vec<PropertyValue>> {
        let mut request = self.request.clone();
        let opts = request.opts.get_or_insert_with(Default::default);
        opts.page = page.wire_index();
        opts.per_page = page.wire_per_page();
        self.client.call_async(request, |r| from_wire(r.values))
    }
}

awaitable_builder!(SearchPropertyValues, Vec<PropertyValue>);
paged_builder!(SearchPropertyValues, PropertyValue);
