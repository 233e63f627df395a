//! `mm-host new <plugin-id>`: a plugin project that builds, passes its tests and bundles at
//! once (one dependency, `src/lib.rs` + `src/main.rs`, `plugin.json`, a test kit test, a
//! README with the commands).

use std::path::{Path, PathBuf};

use super::output::Printer;
use super::{CliError, NewArgs};
use crate::manifest::validate_plugin_id;

/// The files of a new project: path in the project, template text.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../templates/plugin/Cargo.toml.template")),
    ("plugin.json", include_str!("../../templates/plugin/plugin.json.template")),
    ("src/lib.rs", include_str!("../../templates/plugin/src/lib.rs.template")),
    ("src/main.rs", include_str!("../../templates/plugin/src/main.rs.template")),
    ("tests/plugin.rs", include_str!("../../templates/plugin/tests/plugin.rs.template")),
    ("README.md", include_str!("../../templates/plugin/README.md.template")),
    (".gitignore", include_str!("../../templates/plugin/gitignore.template")),
];

pub(crate) fn new(args: NewArgs, printer: Printer) -> Result<(), CliError> {
    validate_plugin_id(&args.plugin_id)
        .map_err(|reason| CliError(format!("{:?} is not a plugin id: {reason}", args.plugin_id)))?;
    let names = Names::of(&args.plugin_id)?;
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from(&names.crate_name));
    if dir.exists() && dir.read_dir().map(|mut entries| entries.next().is_some()).unwrap_or(true) {
        return Err(CliError(format!("{} already exists and is not empty", dir.display())));
    }
    // By default the SDK this mm-host was built from: new projects depend on its
    // `crates/mattermost-plugin` by path (the SDK is not on crates.io yet).
    let sdk = match args
        .sdk
        .clone()
        .or_else(|| super::built_from_sdk("crates/mattermost-plugin/Cargo.toml").ok())
    {
        Some(sdk) => std::path::absolute(&sdk).unwrap_or(sdk),
        None => {
            return Err(CliError(
                "where is the SDK? pass --sdk <path to the mattermost-plugin-rust checkout>".to_owned(),
            ));
        }
    };
    let facade = sdk.join("crates/mattermost-plugin");
    if !facade.join("Cargo.toml").is_file() {
        return Err(CliError(format!(
            "{} has no crates/mattermost-plugin: not an SDK checkout",
            sdk.display()
        )));
    }
    let dependency = format!("{{ path = {:?} }}", facade.display().to_string());
    let dependency_testkit =
        format!("{{ path = {:?}, features = [\"testkit\"] }}", facade.display().to_string());
    let values = [
        ("{{plugin_id}}", args.plugin_id.as_str()),
        ("{{crate_name}}", names.crate_name.as_str()),
        ("{{crate_ident}}", names.crate_ident.as_str()),
        ("{{type_name}}", names.type_name.as_str()),
        ("{{display_name}}", names.display_name.as_str()),
        ("{{command}}", names.command.as_str()),
        ("{{sdk_dependency}}", dependency.as_str()),
        ("{{sdk_dependency_testkit}}", dependency_testkit.as_str()),
    ];
    for (path, template) in FILES {
        let text = values.iter().fold((*template).to_owned(), |text, (key, value)| text.replace(key, value));
        write(&dir.join(path), &text)?;
    }
    // The SDK's lock file: the first build uses the versions the SDK is tested with.
    let lock = sdk.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| CliError(format!("copying {} into the project: {e}", lock.display())))?;
    }
    printer.ok(&format!("created {} (plugin {}, crate {})", dir.display(), args.plugin_id, names.crate_name));
    printer.info(&format!("next: cd {} && cargo test && mm-host run . && mm-host bundle", dir.display()));
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError(format!("creating {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text).map_err(|e| CliError(format!("writing {}: {e}", path.display())))
}

/// The names a project gets from its plugin id.
#[derive(Debug, PartialEq, Eq)]
struct Names {
    /// The package and folder name: the id's last segment, as a crate name (`my-plugin`).
    crate_name: String,
    /// The crate as a Rust path (`my_plugin`).
    crate_ident: String,
    /// The plugin type (`MyPlugin`).
    type_name: String,
    /// The manifest's name (`My Plugin`).
    display_name: String,
    /// The slash command (`my-plugin`).
    command: String,
}

impl Names {
    fn of(plugin_id: &str) -> Result<Names, CliError> {
        let last = plugin_id.rsplit('.').next().unwrap_or(plugin_id);
        let words: Vec<String> = last
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        if words.first().is_none_or(|w| !w.starts_with(|c: char| c.is_ascii_alphabetic())) {
            return Err(CliError(format!(
                "the last part of {plugin_id:?} must start with a letter: it names the crate"
            )));
        }
        let capitalized = |w: &String| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        };
        Ok(Names {
            crate_name: words.join("-"),
            crate_ident: words.join("_"),
            type_name: words.iter().map(capitalized).collect(),
            display_name: words.iter().map(capitalized).collect::<Vec<_>>().join(" "),
            command: words.join("-"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_ids_last_part() {
        let names = Names::of("com.example.my_cool-plugin").unwrap();
        assert_eq!(
            names,
            Names {
                crate_name: "my-cool-plugin".into(),
                crate_ident: "my_cool_plugin".into(),
                type_name: "MyCoolPlugin".into(),
                display_name: "My Cool Plugin".into(),
                command: "my-cool-plugin".into(),
            }
        );
        assert!(Names::of("com.example.2fa").is_err());
    }

    #[test]
    fn every_placeholder_of_the_templates_is_filled() {
        let known = [
            "plugin_id",
            "crate_name",
            "crate_ident",
            "type_name",
            "display_name",
            "command",
            "sdk_dependency",
            "sdk_dependency_testkit",
        ];
        for (path, template) in FILES {
            for piece in template.split("{{").skip(1) {
                let name = piece.split("}}").next().unwrap_or_default();
                assert!(known.contains(&name), "{path}: unknown placeholder {{{{{name}}}}}");
            }
        }
    }
}
