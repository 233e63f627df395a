//! tonic's client and server stubs, each behind the cargo feature of the crates that use it.
//!
//! tonic-prost-build can put attributes on a generated module, but it matches them by proto
//! package, and both plugin services share one. So this generator runs tonic's client-only and
//! server-only generators per service and puts a `#[cfg(feature = "..")]` in front of each
//! module they write: a plugin then compiles the PluginHooks server it runs, not the PluginAPI
//! server or the PluginHooks client.

use std::fmt;

use prost_build::{Service, ServiceGenerator};

/// The features that turn on one service's stubs; `None` leaves that side out entirely.
#[derive(Debug, Clone, Copy)]
pub struct ServiceGate {
    /// The full proto name of the service, such as `mattermost.pluginapi.v1.PluginAPI`.
    pub service: &'static str,
    /// The feature that compiles the client (`plugin_api_client`), if any.
    pub client: Option<&'static str>,
    /// The feature that compiles the server (`plugin_api_server`), if any.
    pub server: Option<&'static str>,
}

/// A [`ServiceGenerator`] for `prost_build::Config::service_generator`: tonic's stubs for the
/// services listed in its gates, each module behind its feature. Services without a gate get
/// no stubs (those spoken only over another protocol).
pub struct GatedServices {
    gates: Vec<ServiceGate>,
    client: Box<dyn ServiceGenerator>,
    server: Box<dyn ServiceGenerator>,
}

impl GatedServices {
    /// Stubs for the services in `gates`, as tonic-prost-build writes them with default
    /// (UNIMPLEMENTED) server methods and `connect` constructors on the clients.
    pub fn new(gates: &[ServiceGate]) -> Self {
        let tonic = || tonic_prost_build::configure().build_transport(true).generate_default_stubs(true);
        GatedServices {
            gates: gates.to_vec(),
            client: tonic().build_client(true).build_server(false).service_generator(),
            server: tonic().build_client(false).build_server(true).service_generator(),
        }
    }
}

impl fmt::Debug for GatedServices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatedServices").field("gates", &self.gates).finish_non_exhaustive()
    }
}

impl ServiceGenerator for GatedServices {
    fn generate(&mut self, service: Service, buf: &mut String) {
        let name = format!("{}.{}", service.package, service.proto_name);
        let Some(gate) = self.gates.iter().find(|gate| gate.service == name).copied() else {
            return;
        };
        for (feature, generator) in [(gate.client, &mut self.client), (gate.server, &mut self.server)] {
            if let Some(feature) = feature {
                buf.push_str(&format!("#[cfg(feature = {feature:?})]\n"));
                generator.generate(service.clone(), buf);
            }
        }
    }

    fn finalize(&mut self, buf: &mut String) {
        self.client.finalize(buf);
        self.server.finalize(buf);
    }

    fn finalize_package(&mut self, package: &str, buf: &mut String) {
        self.client.finalize_package(package, buf);
        self.server.finalize_package(package, buf);
    }
}

#[cfg(test)]
mod tests {
    use prost_build::{Comments, Method};

    use super::*;

    fn service(name: &str) -> Service {
        Service {
            name: heck::ToUpperCamelCase::to_upper_camel_case(name),
            proto_name: name.into(),
            package: "mattermost.pluginapi.v1".into(),
            comments: Comments::default(),
            methods: vec![Method {
                name: "get_user".into(),
                proto_name: "GetUser".into(),
                comments: Comments::default(),
                input_type: "super::GetUserRequest".into(),
                output_type: "super::GetUserResponse".into(),
                input_proto_type: ".mattermost.pluginapi.v1.GetUserRequest".into(),
                output_proto_type: ".mattermost.pluginapi.v1.GetUserResponse".into(),
                options: Default::default(),
                client_streaming: false,
                server_streaming: false,
            }],
            options: Default::default(),
        }
    }

    #[test]
    fn each_module_sits_behind_its_feature_and_ungated_services_get_none() {
        let mut generator = GatedServices::new(&[ServiceGate {
            service: "mattermost.pluginapi.v1.PluginAPI",
            client: None,
            server: Some("api-server"),
        }]);
        let mut buf = String::new();
        generator.generate(service("PluginAPI"), &mut buf);
        assert!(buf.starts_with("#[cfg(feature = \"api-server\")]\n"), "{buf}");
        assert!(buf.contains("pub mod plugin_api_server"));
        assert!(!buf.contains("plugin_api_client"));
        let mut stock = String::new();
        generator.generate(service("StockPluginAPI"), &mut stock);
        assert!(stock.is_empty());
    }
}
