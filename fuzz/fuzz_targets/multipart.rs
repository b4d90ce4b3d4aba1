//! Any file name and contents through the import's multipart encoder (reqwest's, with the file
//! name kept as given): refused with the field named, or one form part whose bytes are exactly
//! the documented head, the contents unchanged, and the closing boundary, under the boundary
//! the Content-Type names (which the contents cannot have chosen).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::fuzz_api::import_form;

fuzz_target!(|input: (&str, &[u8])| {
    let (name, contents) = input;
    let (body, content_type) = match import_form(name, contents) {
        Ok(form) => form,
        Err(e) => {
            assert!(matches!(e.field(), Some("file_name" | "uploadFile")), "{e}");
            return;
        }
    };
    assert!(
        !name.contains(['"', '\r', '\n', '\\']),
        "{name:?} was accepted"
    );
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart type with its boundary");
    assert!(!boundary.is_empty() && boundary.bytes().all(|b| b.is_ascii_graphic()));
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"{name}\"\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let expected = [head.as_bytes(), contents, tail.as_bytes()].concat();
    assert_eq!(&body[..], &expected[..]);
});
