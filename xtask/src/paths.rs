//! An operation's path as data: its segments, and the literal segments other operations have
//! where it has a parameter (an ID equal to one would send the request to the other operation).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

/// The path's segments, with the literals other operations have in each parameter's place but
/// those a parameter takes (`exempt`: all of them, or the ones listed).
pub(crate) fn segments(
    path: &str,
    reserved: &BTreeMap<(String, usize), Vec<String>>,
    exempt: &[(&str, Option<Vec<String>>)],
) -> Vec<TokenStream> {
    split(path)
        .into_iter()
        .enumerate()
        .map(
            |(i, segment)| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let mut words = reserved
                        .get(&(path.to_owned(), i))
                        .cloned()
                        .unwrap_or_default();
                    match exempt.iter().find(|(n, _)| *n == name) {
                        Some((_, None)) => words.clear(),
                        Some((_, Some(takes))) => words.retain(|w| !takes.contains(w)),
                        None => {}
                    }
                    quote!(Segment::Param { name: #name, reserved: &[#(#words),*] })
                }
                None => quote!(Segment::Literal(#segment)),
            },
        )
        .collect()
}

/// `/v1/{project_id}/x` → `["v1", "{project_id}", "x"]`.
pub(crate) fn split(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

/// The path parameters listed (the path item's, then the operation's) come in the path's
/// order: a builder holds their values in the list's order, the runtime reads them in the
/// path's.
pub(crate) fn in_path_order(
    id: &str,
    path: &str,
    params: &[openapiv3::Parameter],
) -> Result<(), String> {
    let listed: Vec<&str> = params
        .iter()
        .filter_map(|p| match p {
            openapiv3::Parameter::Path { parameter_data, .. } => Some(parameter_data.name.as_str()),
            _ => None,
        })
        .collect();
    let in_path: Vec<&str> = split(path)
        .into_iter()
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    if listed == in_path {
        return Ok(());
    }
    Err(format!(
        "operation `{id}`: its path parameters are listed as {listed:?}, the path has \
         {in_path:?}: list them in the path's order"
    ))
}

/// For each (path, segment index) holding a parameter, the literal segments other paths (of
/// the operations, and `undescribed`) have at that index after the same prefix (a parameter
/// matches any segment), sorted.
pub(crate) fn reserved_segments(
    paths: &[&str],
    undescribed: &[&str],
) -> BTreeMap<(String, usize), Vec<String>> {
    let is_param = |s: &str| s.starts_with('{');
    let mut out: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for a in paths {
        let sa = split(a);
        for (i, segment) in sa.iter().enumerate().filter(|(_, s)| is_param(s)) {
            let _ = segment;
            for b in paths.iter().copied().chain(undescribed.iter().copied()) {
                let sb = split(b);
                let Some(literal) = sb.get(i).filter(|s| !is_param(s)) else {
                    continue;
                };
                let same_prefix = sa[..i]
                    .iter()
                    .zip(&sb[..i])
                    .all(|(x, y)| x == y || is_param(x) || is_param(y));
                if same_prefix {
                    let words = out.entry(((*a).to_owned(), i)).or_default();
                    if !words.iter().any(|w| w == literal) {
                        words.push((*literal).to_owned());
                        words.sort();
                    }
                }
            }
        }
    }
    out
}
