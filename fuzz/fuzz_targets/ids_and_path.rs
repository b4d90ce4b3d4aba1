//! Any IDs, through the runtime's own path expansion of any operation: refused with the field
//! named, or expanded into a path whose segments decode back to exactly those IDs between the
//! operation's literal segments (no ID can add, remove or change a segment, nor be a literal
//! segment another operation has in its place, such as `versions`, `export` or `validation`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::bindings::Segment;
use secmaster::bindings::operations::ALL;
use secmaster::fuzz_api::expand_path;

fuzz_target!(|input: (u8, [&str; 5])| {
    let (which, ids) = input;
    let op = &ALL[usize::from(which) % ALL.len()];
    let names: Vec<&str> = op.path_params().collect();
    // One value per path parameter, as the generated builders pass them (a relation has five).
    assert!(
        names.len() <= ids.len(),
        "{}: more path parameters than the target makes",
        op.id
    );
    let values: Vec<&str> = ids.into_iter().take(names.len()).collect();
    let path = match expand_path(op, &values) {
        Ok(path) => path,
        Err(e) => {
            let field = e.field().unwrap_or_default();
            assert!(names.contains(&field), "{}: {e}", op.id);
            return;
        }
    };
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
        "{path}"
    );
    assert!(op.fits(&path), "{}: {path}", op.id);
    let segments: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .expect("UTF-8 in, UTF-8 out")
                .into_owned()
        })
        .collect();
    let mut values = values.iter();
    let expected: Vec<String> = op
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => (*text).to_owned(),
            Segment::Param { reserved, .. } => {
                let value = values.next().unwrap();
                assert!(!reserved.contains(value), "{}: {value}", op.id);
                (*value).to_owned()
            }
        })
        .collect();
    assert_eq!(segments, expected, "{}", op.id);
    // No other operation of the same method takes this path.
    for other in ALL
        .iter()
        .filter(|o| o.method == op.method && o.id != op.id)
    {
        assert!(
            !other.fits(&path),
            "{} also fits {}: {path}",
            other.id,
            op.id
        );
    }
});
