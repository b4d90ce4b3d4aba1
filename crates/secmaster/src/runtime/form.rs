//! A file upload as `multipart/form-data`: a text part per other field set, then one part
//! carrying the file name and the bytes unchanged, encoded once with reqwest's `multipart` so
//! that every attempt sends (and AK/SK signs) the same bytes.

use bytes::Bytes;
use futures_util::{FutureExt, TryStreamExt};
use reqwest::header::HeaderValue;
use reqwest::multipart::{Form, Part};

use crate::Error;

/// The form to send: the `texts` (checked fields, each a text part), then the file in the part
/// `field`; its bytes and its Content-Type with the boundary.
pub(crate) fn encode_form(
    field: &'static str,
    name: &str,
    contents: Bytes,
    texts: &[(&'static str, String)],
) -> Result<(Bytes, HeaderValue), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid("file_name", "is empty"));
    }
    // Kept as given (no percent-encoding), so it must not end the header's quoted string.
    if name
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return Err(Error::invalid(
            "file_name",
            "contains a quote, a backslash or a control character, which a multipart header cannot carry as given",
        ));
    }
    if contents.is_empty() {
        return Err(Error::invalid(field, "the file is empty"));
    }
    let part = Part::stream(contents).file_name(name.to_owned());
    // The text parts before the file, as the official SDKs send them: a service that reads the
    // parts as they come knows the mode (`upload_model`) before it reaches the file.
    let form = texts
        .iter()
        .fold(Form::new().percent_encode_noop(), |form, (name, text)| {
            form.text(*name, text.clone())
        })
        .part(field, part);
    let content_type = format!("multipart/form-data; boundary={}", form.boundary());
    // Every part is in memory, so the stream is ready at once.
    let chunks: Vec<Bytes> = form
        .into_stream()
        .try_collect()
        .now_or_never()
        .ok_or_else(|| Error::invalid(field, "the form was not ready at once"))?
        .map_err(|e| Error::invalid(field, format!("cannot be encoded: {e}")))?;
    let content_type = HeaderValue::from_str(&content_type).expect("a boundary is ASCII");
    Ok((chunks.concat().into(), content_type))
}
