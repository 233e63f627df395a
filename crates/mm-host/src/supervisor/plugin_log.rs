//! The plugin's own output: stderr lines are hclog JSON (what go-plugin expects and what the
//! mm-hooks runtime writes), anything else is plain text. Each line becomes one `tracing` event
//! with target `plugin`, the plugin id and the plugin's level, so it shows up readably next to
//! the host's own logs.

use std::fmt::Write as _;

use serde_json::Value;

/// The `tracing` target of plugin output lines.
pub const PLUGIN_LOG_TARGET: &str = "plugin";

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// A level of hclog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// One line of plugin output, parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PluginLogLine {
    pub(crate) level: LogLevel,
    pub(crate) message: String,
    pub(crate) module: Option<String>,
    /// The other keys, rendered `key=value`, in key order.
    pub(crate) fields: Vec<(String, String)>,
}

impl PluginLogLine {
    /// The message followed by its fields, as one readable line.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        if let Some(module) = &self.module {
            let _ = write!(out, "{module}: ");
        }
        out.push_str(&self.message);
        for (key, value) in &self.fields {
            let _ = write!(out, " {key}={value}");
        }
        out
    }
}

/// Parses one line of plugin output. Stderr lines that are JSON objects are read as hclog
/// (`@level`, `@message`, `@module`, `@timestamp` dropped, other keys as fields); everything
/// else is a plain line at info level.
pub(crate) fn parse_line(stream: Stream, line: &str) -> PluginLogLine {
    let line = line.trim_end_matches(['\r', '\n']);
    if stream == Stream::Stderr
        && line.trim_start().starts_with('{')
        && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(line)
    {
        let mut parsed =
            PluginLogLine { level: LogLevel::Info, message: String::new(), module: None, fields: Vec::new() };
        for (key, value) in map {
            match key.as_str() {
                "@level" => parsed.level = level_from(value.as_str().unwrap_or_default()),
                "@message" => parsed.message = plain(&value),
                "@module" => parsed.module = Some(plain(&value)).filter(|m| !m.is_empty()),
                "@timestamp" | "@caller" => {}
                _ => parsed.fields.push((key, field_value(&value))),
            }
        }
        return parsed;
    }
    PluginLogLine { level: LogLevel::Info, message: line.to_owned(), module: None, fields: Vec::new() }
}

/// Emits a line of plugin output as a `tracing` event.
pub(crate) fn emit(plugin_id: &str, stream: Stream, line: &str) {
    let parsed = parse_line(stream, line);
    let text = parsed.render();
    let stream = stream.name();
    // `tracing` levels are static per call site, hence one call per level.
    match parsed.level {
        LogLevel::Trace => tracing::trace!(target: PLUGIN_LOG_TARGET, plugin = plugin_id, stream, "{text}"),
        LogLevel::Debug => tracing::debug!(target: PLUGIN_LOG_TARGET, plugin = plugin_id, stream, "{text}"),
        LogLevel::Info => tracing::info!(target: PLUGIN_LOG_TARGET, plugin = plugin_id, stream, "{text}"),
        LogLevel::Warn => tracing::warn!(target: PLUGIN_LOG_TARGET, plugin = plugin_id, stream, "{text}"),
        LogLevel::Error => tracing::error!(target: PLUGIN_LOG_TARGET, plugin = plugin_id, stream, "{text}"),
    }
}

fn level_from(name: &str) -> LogLevel {
    match name.to_ascii_lowercase().as_str() {
        "trace" => LogLevel::Trace,
        "debug" => LogLevel::Debug,
        "warn" | "warning" => LogLevel::Warn,
        "error" | "fatal" | "panic" => LogLevel::Error,
        _ => LogLevel::Info,
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Strings without spaces or quotes stay bare; others are quoted so fields stay readable.
fn field_value(value: &Value) -> String {
    match value {
        Value::String(s) if !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains(['"', '=']) => {
            s.clone()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hclog_json() {
        let line = r#"{"@level":"warn","@message":"slow hook","@module":"hello","@timestamp":"2025-01-01T00:00:00.000000Z","hook":"OnActivate","ms":1500,"note":"took a while"}"#;
        let parsed = parse_line(Stream::Stderr, line);
        assert_eq!(parsed.level, LogLevel::Warn);
        assert_eq!(parsed.message, "slow hook");
        assert_eq!(parsed.module.as_deref(), Some("hello"));
        assert_eq!(parsed.render(), r#"hello: slow hook hook=OnActivate ms=1500 note="took a while""#);
    }

    #[test]
    fn maps_every_level() {
        for (name, level) in [
            ("trace", LogLevel::Trace),
            ("DEBUG", LogLevel::Debug),
            ("info", LogLevel::Info),
            ("warning", LogLevel::Warn),
            ("error", LogLevel::Error),
            ("something", LogLevel::Info),
        ] {
            let line = format!(r#"{{"@level":"{name}","@message":"m"}}"#);
            assert_eq!(parse_line(Stream::Stderr, &line).level, level, "{name}");
        }
    }

    #[test]
    fn keeps_plain_lines_and_stdout_as_text() {
        let parsed = parse_line(Stream::Stderr, "thread 'main' panicked at src/main.rs:3:5\n");
        assert_eq!(parsed.level, LogLevel::Info);
        assert_eq!(parsed.render(), "thread 'main' panicked at src/main.rs:3:5");
        // JSON on stdout is not hclog (go-plugin only parses stderr).
        let parsed = parse_line(Stream::Stdout, r#"{"@level":"error","@message":"x"}"#);
        assert_eq!(parsed.level, LogLevel::Info);
        assert_eq!(parsed.message, r#"{"@level":"error","@message":"x"}"#);
        // Broken JSON stays text.
        let parsed = parse_line(Stream::Stderr, r#"{"@level":"#);
        assert_eq!(parsed.message, r#"{"@level":"#);
    }

    #[test]
    fn emitting_never_panics_on_odd_input() {
        for line in ["", "{}", "[1,2]", r#"{"@message":{"nested":true},"@level":3}"#, "\u{1F600}"] {
            emit("com.example.test", Stream::Stderr, line);
            emit("com.example.test", Stream::Stdout, line);
        }
        let parsed = parse_line(Stream::Stderr, r#"{"@message":{"nested":true},"@level":3}"#);
        assert_eq!(parsed.message, r#"{"nested":true}"#);
    }
}
