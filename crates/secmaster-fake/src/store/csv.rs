//! The fake's file format for the SOC's exports, imports and templates: CSV (RFC 4180, UTF-8,
//! rows ended by CRLF). The first row names the columns; each other row is one object. A cell
//! holds text as it is, a number or a boolean as JSON text, an object or a list as JSON; an
//! empty cell is an absent field. The pages say the service's templates are `.xlsx`
//! spreadsheets; the fake writes and reads CSV, which a spreadsheet opens too.

use serde_json::Value;

use super::{Rejection, codes, reject};

/// One cell of `value` (`""` when absent).
pub(crate) fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A CSV file of a header row and `rows`.
pub(crate) fn write(columns: &[&str], rows: &[Vec<String>]) -> String {
    let quote = |text: &str| {
        if text.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let header = columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(",");
    let mut file = header + "\r\n";
    for row in rows {
        file.push_str(&row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
        file.push_str("\r\n");
    }
    file
}

/// The rows of a CSV file (the header first), each a list of cells; blank lines are skipped.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, Rejection> {
    let bad = |why: &str| {
        reject(
            codes::MALFORMED_FILE,
            format!("the file is not the fake's CSV: {why}"),
        )
    };
    let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(bad("a quoted cell is not closed"));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|c| !c.is_empty()));
    Ok(rows)
}
