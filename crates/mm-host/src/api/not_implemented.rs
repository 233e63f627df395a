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
