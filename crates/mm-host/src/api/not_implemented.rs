//! The PluginAPI RPCs the host does not implement: each answers UNIMPLEMENTED naming itself
//! (the generated default would say only "Not yet implemented").

/// Calls `$callback!` with the list of RPCs the host does not implement.
macro_rules! not_implemented_list {
    ($callback:ident) => {
        $callback! {
            get_ldap_user_attributes(GetLdapUserAttributesRequest, GetLdapUserAttributesResponse) = "GetLDAPUserAttributes";
            get_bundle_path(GetBundlePathRequest, GetBundlePathResponse) = "GetBundlePath";
            enable_plugin(EnablePluginRequest, EnablePluginResponse) = "EnablePlugin";
            disable_plugin(DisablePluginRequest, DisablePluginResponse) = "DisablePlugin";
            remove_plugin(RemovePluginRequest, RemovePluginResponse) = "RemovePlugin";
            install_plugin(InstallPluginRequest, InstallPluginResponse) = "InstallPlugin";
            request_trial_license(RequestTrialLicenseRequest, RequestTrialLicenseResponse) = "RequestTrialLicense";
            register_plugin_for_shared_channels(RegisterPluginForSharedChannelsRequest, RegisterPluginForSharedChannelsResponse) = "RegisterPluginForSharedChannels";
            unregister_plugin_for_shared_channels(UnregisterPluginForSharedChannelsRequest, UnregisterPluginForSharedChannelsResponse) = "UnregisterPluginForSharedChannels";
            share_channel(ShareChannelRequest, ShareChannelResponse) = "ShareChannel";
            update_shared_channel(UpdateSharedChannelRequest, UpdateSharedChannelResponse) = "UpdateSharedChannel";
            unshare_channel(UnshareChannelRequest, UnshareChannelResponse) = "UnshareChannel";
            update_shared_channel_cursor(UpdateSharedChannelCursorRequest, UpdateSharedChannelCursorResponse) = "UpdateSharedChannelCursor";
            sync_shared_channel(SyncSharedChannelRequest, SyncSharedChannelResponse) = "SyncSharedChannel";
            invite_remote_to_channel(InviteRemoteToChannelRequest, InviteRemoteToChannelResponse) = "InviteRemoteToChannel";
            uninvite_remote_from_channel(UninviteRemoteFromChannelRequest, UninviteRemoteFromChannelResponse) = "UninviteRemoteFromChannel";
            create_property_field(CreatePropertyFieldRequest, CreatePropertyFieldResponse) = "CreatePropertyField";
            get_property_field(GetPropertyFieldRequest, GetPropertyFieldResponse) = "GetPropertyField";
            get_property_fields(GetPropertyFieldsRequest, GetPropertyFieldsResponse) = "GetPropertyFields";
            update_property_field(UpdatePropertyFieldRequest, UpdatePropertyFieldResponse) = "UpdatePropertyField";
            delete_property_field(DeletePropertyFieldRequest, DeletePropertyFieldResponse) = "DeletePropertyField";
            search_property_fields(SearchPropertyFieldsRequest, SearchPropertyFieldsResponse) = "SearchPropertyFields";
            count_property_fields(CountPropertyFieldsRequest, CountPropertyFieldsResponse) = "CountPropertyFields";
            count_property_fields_for_target(CountPropertyFieldsForTargetRequest, CountPropertyFieldsForTargetResponse) = "CountPropertyFieldsForTarget";
            create_property_value(CreatePropertyValueRequest, CreatePropertyValueResponse) = "CreatePropertyValue";
            get_property_value(GetPropertyValueRequest, GetPropertyValueResponse) = "GetPropertyValue";
            get_property_values(GetPropertyValuesRequest, GetPropertyValuesResponse) = "GetPropertyValues";
            update_property_value(UpdatePropertyValueRequest, UpdatePropertyValueResponse) = "UpdatePropertyValue";
            upsert_property_value(UpsertPropertyValueRequest, UpsertPropertyValueResponse) = "UpsertPropertyValue";
            delete_property_value(DeletePropertyValueRequest, DeletePropertyValueResponse) = "DeletePropertyValue";
            search_property_values(SearchPropertyValuesRequest, SearchPropertyValuesResponse) = "SearchPropertyValues";
            register_property_group(RegisterPropertyGroupRequest, RegisterPropertyGroupResponse) = "RegisterPropertyGroup";
            get_property_group(GetPropertyGroupRequest, GetPropertyGroupResponse) = "GetPropertyGroup";
            get_property_field_by_name(GetPropertyFieldByNameRequest, GetPropertyFieldByNameResponse) = "GetPropertyFieldByName";
            update_property_fields(UpdatePropertyFieldsRequest, UpdatePropertyFieldsResponse) = "UpdatePropertyFields";
            update_property_values(UpdatePropertyValuesRequest, UpdatePropertyValuesResponse) = "UpdatePropertyValues";
            upsert_property_values(UpsertPropertyValuesRequest, UpsertPropertyValuesResponse) = "UpsertPropertyValues";
            delete_property_values_for_target(DeletePropertyValuesForTargetRequest, DeletePropertyValuesForTargetResponse) = "DeletePropertyValuesForTarget";
            delete_property_values_for_field(DeletePropertyValuesForFieldRequest, DeletePropertyValuesForFieldResponse) = "DeletePropertyValuesForField";
        }
    };
}

/// Trait methods answering UNIMPLEMENTED with the RPC's name. They are written in the shape
/// `#[async_trait]` gives trait methods, because that attribute does not see methods produced
/// by a macro.
macro_rules! unimplemented_methods {
    ($($method:ident($request:ident, $response:ident) = $name:literal;)*) => {$(
        fn $method<'life0, 'async_trait>(
            &'life0 self,
            _request: tonic::Request<mm_proto::v1::$request>,
        ) -> ::std::pin::Pin<
            Box<
                dyn ::std::future::Future<
                        Output = Result<tonic::Response<mm_proto::v1::$response>, tonic::Status>,
                    > + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async move {
                Err(tonic::Status::unimplemented(concat!("mm-host does not implement PluginAPI/", $name)))
            })
        }
    )*};
}

/// The names in the list.
macro_rules! rpc_names {
    ($($method:ident($request:ident, $response:ident) = $name:literal;)*) => {
        &[$($name),*]
    };
}

/// The PluginAPI RPCs the host does not implement; each answers UNIMPLEMENTED with
/// `mm-host does not implement PluginAPI/<name>`. The other RPCs of the 236 are implemented.
pub const UNIMPLEMENTED_RPCS: &[&str] = not_implemented_list!(rpc_names);
