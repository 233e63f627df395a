//! Against Go's own encoding/gob: the program in `tests/go` checks what Rust encodes and emits
//! the same values for Rust to decode. Skipped with a notice when `go` is not installed.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mm_gob::{Decoder, Encode, Encoder, Interface, Limits, Value};

use crate::support;

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Inner = "Inner" {
        x: i32 = "X",
        tags: Vec<String> = "Tags",
        blob: Vec<u8> = "Blob",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct AppError = "AppError" {
        id: String = "Id",
        status_code: i64 = "StatusCode",
    }
}

mm_gob::gob_struct! {
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Post = "Post" {
        id: String = "Id",
        create_at: i64 = "CreateAt",
        message: String = "Message",
        props: HashMap<String, Option<Interface>> = "Props",
        count: Option<i64> = "Count",
        inner: Option<Inner> = "Inner",
        inners: Vec<Inner> = "Inners",
        flags: HashMap<String, bool> = "Flags",
        ratio: f64 = "Ratio",
        small: f32 = "Small",
        u: u16 = "U",
        err: Option<Interface> = "Err",
        nothing: Option<Interface> = "Nothing",
    }
}

fn post1() -> Post {
    let app_error = AppError { id: "demo.fail".into(), status_code: 418 };
    Post {
        id: "p1".into(),
        create_at: 1_700_000_002_000,
        message: "héllo".into(),
        props: HashMap::from([
            ("int".to_string(), Some(Interface::int(2))),
            ("int64".to_string(), Some(Interface::int64(-7))),
            ("float64".to_string(), Some(Interface::float64(1.5))),
            ("string".to_string(), Some(Interface::string("s"))),
            ("bool".to_string(), Some(Interface::bool(true))),
            ("bytes".to_string(), Some(Interface::bytes(vec![1, 2]))),
            (
                "list".to_string(),
                Some(Interface::slice(vec![
                    Some(Interface::string("a")),
                    Some(Interface::float64(1.5)),
                    Some(Interface::map([("deep".to_string(), Some(Interface::int(3)))])),
                ])),
            ),
            (
                "map".to_string(),
                Some(Interface::map([(
                    "k".to_string(),
                    Some(Interface::slice(vec![Some(Interface::string("x")), None])),
                )])),
            ),
            ("nil".to_string(), None),
        ]),
        count: Some(7),
        inner: Some(Inner { x: -5, tags: vec!["a".into(), "b".into()], blob: vec![0, 1, 255] }),
        inners: vec![
            Inner { x: 1, ..Inner::default() },
            Inner { x: 2, tags: vec!["t".into()], ..Inner::default() },
        ],
        flags: HashMap::from([("on".to_string(), true), ("off".to_string(), false)]),
        ratio: 0.1,
        small: 0.25,
        u: 65535,
        err: Some(Interface::new("*model.AppError", Value::from_encode(&app_error).unwrap())),
        nothing: None,
    }
}

fn post2() -> Post {
    Post {
        id: "p2".into(),
        props: HashMap::from([("n".to_string(), Some(Interface::int(3)))]),
        ..Post::default()
    }
}

fn top_map() -> HashMap<String, Option<Interface>> {
    HashMap::from([
        ("top".to_string(), Some(Interface::string("level"))),
        ("n".to_string(), Some(Interface::float64(2.0))),
    ])
}

fn top_list() -> Vec<Option<Interface>> {
    vec![
        Some(Interface::int(1)),
        Some(Interface::string("two")),
        Some(Interface::slice(vec![Some(Interface::bool(true))])),
    ]
}

fn header() -> HashMap<String, Vec<String>> {
    HashMap::from([("Content-Type".to_string(), vec!["text/plain".to_string()])])
}

/// The Rust side of `values()` in `tests/go/main.go`, in the same order.
fn rust_stream() -> Vec<u8> {
    let values: Vec<Box<dyn Encode>> = vec![
        Box::new(post1()),
        Box::new(post2()),
        Box::new(top_map()),
        Box::new(top_list()),
        Box::new("just a string".to_string()),
        Box::new(-65i64),
        Box::new(b"raw".to_vec()),
        Box::new(()),
        Box::new(header()),
        Box::new(vec![1i64, -2, 3]),
        Box::new(1u32),
    ];
    let mut enc = Encoder::new();
    let mut out = Vec::new();
    for v in &values {
        enc.encode(v.as_ref(), &mut out).unwrap();
    }
    out
}

/// Builds the Go program once; `None` (with a notice) when Go is missing.
#[allow(clippy::print_stderr)] // The skip is announced, as CI must not skip silently.
fn interop_binary() -> Option<PathBuf> {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("skipping the Go interop test: `go` is not installed");
        return None;
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go");
    let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mm-gob-interop");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg(".")
        .current_dir(&source)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .expect("running go build");
    assert!(output.status.success(), "go build failed:\n{}", String::from_utf8_lossy(&output.stderr));
    Some(binary)
}

fn run(binary: &Path, mode: &str, stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(binary)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the Go interop program");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "Go `{mode}` failed:\n{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

#[test]
fn go_and_rust_agree_both_ways() {
    let Some(binary) = interop_binary() else { return };

    // Rust to Go: typed structs, pointers, nested interfaces, one stream.
    run(&binary, "check", &rust_stream());

    // Go to Rust: the same values, typed. Go defines nested types inside interface values
    // (the split layout); the Rust decoder must follow.
    let go_stream = run(&binary, "emit", &[]);
    assert!(support::split_values(&go_stream) > 0, "Go's stream has no value spanning messages");
    let mut q = support::queue(&go_stream);
    let mut dec = Decoder::new(Limits::default());
    assert_eq!(dec.decode::<Post>(&mut q).unwrap(), post1());
    assert_eq!(dec.decode::<Post>(&mut q).unwrap(), post2());
    assert_eq!(dec.decode::<HashMap<String, Option<Interface>>>(&mut q).unwrap(), top_map());
    assert_eq!(dec.decode::<Vec<Option<Interface>>>(&mut q).unwrap(), top_list());
    assert_eq!(dec.decode::<String>(&mut q).unwrap(), "just a string");
    assert_eq!(dec.decode::<i64>(&mut q).unwrap(), -65);
    assert_eq!(dec.decode::<Vec<u8>>(&mut q).unwrap(), b"raw");
    dec.decode::<()>(&mut q).unwrap();
    assert_eq!(dec.decode::<HashMap<String, Vec<String>>>(&mut q).unwrap(), header());
    assert_eq!(dec.decode::<Vec<i64>>(&mut q).unwrap(), [1, -2, 3]);
    assert_eq!(dec.decode::<u32>(&mut q).unwrap(), 1);
    assert!(q.is_empty());

    // The error interface holds a `*model.AppError`, decoded as a Value, then typed.
    let mut q = support::queue(&go_stream);
    let post: Post = Decoder::new(Limits::default()).decode(&mut q).unwrap();
    let err = post.err.unwrap();
    assert_eq!(err.name(), "*model.AppError");
    assert_eq!(
        err.value().to_typed::<AppError>().unwrap(),
        AppError { id: "demo.fail".into(), status_code: 418 }
    );

    // Go to Rust to Go, schema-less: every value decoded as a Value and re-encoded gives
    // Go the same values back.
    let values = support::decode_all_values(&go_stream).unwrap();
    assert_eq!(values.len(), 11);
    let mut enc = Encoder::new();
    let mut again = Vec::new();
    for v in &values {
        enc.encode(v, &mut again).unwrap();
    }
    run(&binary, "check", &again);

    // And fed one message at a time, the Go stream decodes to the same values.
    let (incremental, _) = support::decode_incrementally(&go_stream).unwrap();
    assert_eq!(incremental, values);
}
