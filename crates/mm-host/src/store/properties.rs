//! Property groups, fields and values: typed attributes that plugins attach to objects
//! (posts, channels, users...) identified by a target type and id.

use mm_types::{
    PropertyField, PropertyFieldId, PropertyFieldSearchOpts, PropertyFieldType, PropertyGroup,
    PropertyGroupId, PropertyValue, PropertyValueId, PropertyValueSearchOpts,
};

use super::errors::{bad_request, not_found};
use super::{AppResult, State, page};

fn missing_field(id: &str) -> mm_types::AppError {
    not_found("app.property_field.get.app_error", format!("Unable to find the property field ({id})."))
}

fn missing_value(id: &str) -> mm_types::AppError {
    not_found("app.property_value.get.app_error", format!("Unable to find the property value ({id})."))
}

fn validate_field(field: &PropertyField) -> AppResult<()> {
    if field.name.trim().is_empty() || field.name.chars().count() > 255 {
        return Err(bad_request(
            "model.property_field.is_valid.name.app_error",
            "A field name is 1 to 255 characters.",
        ));
    }
    if matches!(field.kind, PropertyFieldType::Other(_)) {
        return Err(bad_request(
            "model.property_field.is_valid.type.app_error",
            format!("Unknown field type {:?}.", field.kind.as_str()),
        ));
    }
    Ok(())
}

impl State {
    /// The group named `name`, created on first registration.
    pub(crate) fn register_property_group(&mut self, name: &str) -> AppResult<PropertyGroup> {
        if name.trim().is_empty() || name.len() > 64 {
            return Err(bad_request(
                "model.property_group.is_valid.name.app_error",
                "A group name is 1 to 64 characters.",
            ));
        }
        let group = self
            .property_groups
            .entry(name.to_string())
            .or_insert_with(|| PropertyGroup { id: PropertyGroupId::generate(), name: name.to_string() });
        Ok(group.clone())
    }

    pub(crate) fn property_group(&self, name: &str) -> AppResult<PropertyGroup> {
        self.property_groups.get(name).cloned().ok_or_else(|| {
            not_found(
                "app.property_group.get.app_error",
                format!("Unable to find the property group {name:?}."),
            )
        })
    }

    fn check_group(&self, group: &PropertyGroupId) -> AppResult<()> {
        if self.property_groups.values().any(|g| &g.id == group) {
            Ok(())
        } else {
            Err(not_found(
                "app.property_group.get.app_error",
                format!("Unable to find the property group ({group})."),
            ))
        }
    }

    fn name_taken(&self, field: &PropertyField) -> bool {
        self.property_fields.values().any(|f| {
            f.id != field.id
                && f.group_id == field.group_id
                && f.target_id == field.target_id
                && f.name == field.name
                && f.delete_at.is_none()
        })
    }

    pub(crate) fn create_property_field(&mut self, mut field: PropertyField) -> AppResult<PropertyField> {
        self.check_group(&field.group_id)?;
        validate_field(&field)?;
        field.id = PropertyFieldId::generate();
        if self.name_taken(&field) {
            return Err(bad_request(
                "app.property_field.create.name_exists.app_error",
                format!("A field named {:?} already exists for that target.", field.name),
            ));
        }
        let now = self.tick();
        field.create_at = now;
        field.update_at = now;
        field.delete_at = None;
        self.property_fields.insert(field.id.clone(), field.clone());
        Ok(field)
    }

    /// A field of the group, deleted ones included.
    pub(crate) fn property_field(
        &self,
        group: &PropertyGroupId,
        id: &PropertyFieldId,
    ) -> AppResult<PropertyField> {
        self.property_fields
            .get(id)
            .filter(|f| &f.group_id == group)
            .cloned()
            .ok_or_else(|| missing_field(id.as_str()))
    }

    pub(crate) fn property_fields_by_ids(
        &self,
        group: &PropertyGroupId,
        ids: &[PropertyFieldId],
    ) -> AppResult<Vec<PropertyField>> {
        ids.iter().map(|id| self.property_field(group, id)).collect()
    }

    pub(crate) fn property_field_by_name(
        &self,
        group: &PropertyGroupId,
        target_id: &str,
        name: &str,
    ) -> AppResult<PropertyField> {
        self.property_fields
            .values()
            .find(|f| {
                &f.group_id == group && f.target_id == target_id && f.name == name && f.delete_at.is_none()
            })
            .cloned()
            .ok_or_else(|| missing_field(name))
    }

    pub(crate) fn update_property_fields(
        &mut self,
        group: &PropertyGroupId,
        fields: Vec<PropertyField>,
    ) -> AppResult<Vec<PropertyField>> {
        // All or nothing: every field is checked before any changes.
        let mut updated = Vec::new();
        for mut field in fields {
            let existing = self.property_field(group, &field.id)?;
            validate_field(&field)?;
            field.group_id = existing.group_id;
            field.create_at = existing.create_at;
            field.delete_at = existing.delete_at;
            if self.name_taken(&field) {
                return Err(bad_request(
                    "app.property_field.update.name_exists.app_error",
                    format!("A field named {:?} already exists for that target.", field.name),
                ));
            }
            updated.push(field);
        }
        let now = self.tick();
        for field in &mut updated {
            field.update_at = now;
            self.property_fields.insert(field.id.clone(), field.clone());
        }
        Ok(updated)
    }

    /// Deletes a field and its values.
    pub(crate) fn delete_property_field(
        &mut self,
        group: &PropertyGroupId,
        id: &PropertyFieldId,
    ) -> AppResult<()> {
        let field = self.property_field(group, id)?;
        if field.delete_at.is_some() {
            return Err(missing_field(id.as_str()));
        }
        let now = self.tick();
        if let Some(stored) = self.property_fields.get_mut(id) {
            stored.delete_at = Some(now);
            stored.update_at = now;
        }
        self.delete_property_values_where(|v| &v.field_id == id, now);
        Ok(())
    }

    pub(crate) fn search_property_fields(
        &self,
        group: &PropertyGroupId,
        opts: &PropertyFieldSearchOpts,
    ) -> AppResult<Vec<PropertyField>> {
        self.check_group(group)?;
        let mut fields: Vec<PropertyField> = self
            .property_fields
            .values()
            .filter(|f| &f.group_id == group && (opts.include_deleted || f.delete_at.is_none()))
            .filter(|f| opts.target_type.is_empty() || f.target_type == opts.target_type)
            .filter(|f| opts.target_id.is_empty() || f.target_id == opts.target_id)
            .cloned()
            .collect();
        fields.sort_by(|a, b| a.create_at.cmp(&b.create_at).then(a.id.cmp(&b.id)));
        Ok(page(fields, opts.page, opts.per_page))
    }

    pub(crate) fn count_property_fields(
        &self,
        group: &PropertyGroupId,
        target: Option<(&str, &str)>,
        include_deleted: bool,
    ) -> AppResult<i64> {
        self.check_group(group)?;
        let count = self
            .property_fields
            .values()
            .filter(|f| &f.group_id == group && (include_deleted || f.delete_at.is_none()))
            .filter(|f| target.is_none_or(|(kind, id)| f.target_type == kind && f.target_id == id))
            .count();
        Ok(count as i64)
    }

    fn check_value(&self, value: &PropertyValue) -> AppResult<()> {
        let field = self.property_field(&value.group_id, &value.field_id)?;
        if field.delete_at.is_some() {
            return Err(missing_field(value.field_id.as_str()));
        }
        if value.target_id.is_empty() || value.target_type.is_empty() {
            return Err(bad_request(
                "model.property_value.is_valid.target.app_error",
                "A property value needs a target type and id.",
            ));
        }
        Ok(())
    }

    fn live_value_for(&self, value: &PropertyValue) -> Option<PropertyValue> {
        self.property_values
            .values()
            .find(|v| {
                v.field_id == value.field_id
                    && v.target_id == value.target_id
                    && v.target_type == value.target_type
                    && v.delete_at.is_none()
            })
            .cloned()
    }

    pub(crate) fn create_property_value(&mut self, mut value: PropertyValue) -> AppResult<PropertyValue> {
        self.check_value(&value)?;
        if self.live_value_for(&value).is_some() {
            return Err(bad_request(
                "app.property_value.create.exists.app_error",
                "The target already has a value for this field.",
            ));
        }
        let now = self.tick();
        value.id = PropertyValueId::generate();
        value.create_at = now;
        value.update_at = now;
        value.delete_at = None;
        self.property_values.insert(value.id.clone(), value.clone());
        Ok(value)
    }

    pub(crate) fn property_value(
        &self,
        group: &PropertyGroupId,
        id: &PropertyValueId,
    ) -> AppResult<PropertyValue> {
        self.property_values
            .get(id)
            .filter(|v| &v.group_id == group)
            .cloned()
            .ok_or_else(|| missing_value(id.as_str()))
    }

    pub(crate) fn property_values_by_ids(
        &self,
        group: &PropertyGroupId,
        ids: &[PropertyValueId],
    ) -> AppResult<Vec<PropertyValue>> {
        ids.iter().map(|id| self.property_value(group, id)).collect()
    }

    pub(crate) fn update_property_values(
        &mut self,
        group: &PropertyGroupId,
        values: Vec<PropertyValue>,
    ) -> AppResult<Vec<PropertyValue>> {
        let mut updated = Vec::new();
        for mut value in values {
            let existing = self.property_value(group, &value.id)?;
            value.group_id = existing.group_id;
            value.field_id = existing.field_id;
            value.create_at = existing.create_at;
            value.delete_at = existing.delete_at;
            self.check_value(&value)?;
            updated.push(value);
        }
        let now = self.tick();
        for value in &mut updated {
            value.update_at = now;
            self.property_values.insert(value.id.clone(), value.clone());
        }
        Ok(updated)
    }

    /// Sets the value of a field for a target, creating or replacing it.
    pub(crate) fn upsert_property_values(
        &mut self,
        values: Vec<PropertyValue>,
    ) -> AppResult<Vec<PropertyValue>> {
        for value in &values {
            self.check_value(value)?;
        }
        let mut saved = Vec::new();
        for mut value in values {
            let now = self.tick();
            match self.live_value_for(&value) {
                Some(existing) => {
                    value.id = existing.id;
                    value.create_at = existing.create_at;
                }
                None => {
                    value.id = PropertyValueId::generate();
                    value.create_at = now;
                }
            }
            value.update_at = now;
            value.delete_at = None;
            self.property_values.insert(value.id.clone(), value.clone());
            saved.push(value);
        }
        Ok(saved)
    }

    pub(crate) fn delete_property_value(
        &mut self,
        group: &PropertyGroupId,
        id: &PropertyValueId,
    ) -> AppResult<()> {
        let value = self.property_value(group, id)?;
        if value.delete_at.is_some() {
            return Err(missing_value(id.as_str()));
        }
        let now = self.tick();
        self.delete_property_values_where(|v| &v.id == id, now);
        Ok(())
    }

    fn delete_property_values_where(
        &mut self,
        doomed: impl Fn(&PropertyValue) -> bool,
        now: mm_types::Timestamp,
    ) {
        for value in self.property_values.values_mut().filter(|v| v.delete_at.is_none() && doomed(v)) {
            value.delete_at = Some(now);
            value.update_at = now;
        }
    }

    pub(crate) fn delete_property_values_for_target(
        &mut self,
        group: &PropertyGroupId,
        kind: &str,
        target: &str,
    ) -> AppResult<()> {
        self.check_group(group)?;
        let now = self.tick();
        self.delete_property_values_where(
            |v| &v.group_id == group && v.target_type == kind && v.target_id == target,
            now,
        );
        Ok(())
    }

    pub(crate) fn delete_property_values_for_field(
        &mut self,
        group: &PropertyGroupId,
        field: &PropertyFieldId,
    ) -> AppResult<()> {
        self.property_field(group, field)?;
        let now = self.tick();
        self.delete_property_values_where(|v| &v.field_id == field, now);
        Ok(())
    }

    pub(crate) fn search_property_values(
        &self,
        group: &PropertyGroupId,
        opts: &PropertyValueSearchOpts,
    ) -> AppResult<Vec<PropertyValue>> {
        self.check_group(group)?;
        let mut values: Vec<PropertyValue> = self
            .property_values
            .values()
            .filter(|v| &v.group_id == group && (opts.include_deleted || v.delete_at.is_none()))
            .filter(|v| opts.target_type.is_empty() || v.target_type == opts.target_type)
            .filter(|v| opts.target_id.is_empty() || v.target_id == opts.target_id)
            .filter(|v| opts.field_id.as_ref().is_none_or(|f| &v.field_id == f))
            .cloned()
            .collect();
        values.sort_by(|a, b| a.create_at.cmp(&b.create_at).then(a.id.cmp(&b.id)));
        Ok(page(values, opts.page, opts.per_page))
    }
}
