//! The spec's `x-required-when` rules, emitted as data (`constraints::REQUIRED_WHEN`).

use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use quote::quote;

use crate::{GenerateError, err};

pub(crate) struct RequiredWhen {
    schema: String,
    field: String,
    when_field: String,
    equals: String,
    reason: String,
}

impl RequiredWhen {
    pub(crate) fn tokens(&self) -> proc_macro2::TokenStream {
        let Self {
            schema,
            field,
            when_field,
            equals,
            reason,
        } = self;
        quote! {
            RequiredWhen { schema: #schema, field: #field, when_field: #when_field, equals: #equals, reason: #reason }
        }
    }
}

/// Reads `x-required-when: [{field, when: {field, equals}, reason}]` from component schemas.
pub(crate) fn required_when_rules(
    spec: &OpenAPI,
    spec_path: &Path,
) -> Result<Vec<RequiredWhen>, GenerateError> {
    let mut rules = Vec::new();
    let Some(components) = &spec.components else {
        return Ok(rules);
    };
    for (schema_name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(ext) = schema.schema_data.extensions.get("x-required-when") else {
            continue;
        };
        let bad = |what: &str| {
            err(
                spec_path,
                format!("`x-required-when` of schema `{schema_name}`: {what}"),
            )
        };
        let list = ext
            .as_array()
            .ok_or_else(|| bad("must be a list of {field, when: {field, equals}, reason}"))?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(bad("only object schemas can carry it"));
        };
        for rule in list {
            let text = |v: Option<&serde_json::Value>, what: &str| {
                v.and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| bad(&format!("`{what}` must be a string")))
            };
            let field = text(rule.get("field"), "field")?;
            let when = rule
                .get("when")
                .ok_or_else(|| bad("a rule needs `when: {field, equals}`"))?;
            let when_field = text(when.get("field"), "when.field")?;
            let equals = when
                .get("equals")
                .ok_or_else(|| bad("`when.equals` is missing"))?
                .to_string();
            let reason = text(rule.get("reason"), "reason")?;
            for f in [&field, &when_field] {
                if !object.properties.contains_key(f) {
                    return Err(bad(&format!(
                        "names `{f}`, which is not a property of the schema"
                    )));
                }
            }
            rules.push(RequiredWhen {
                schema: schema_name.clone(),
                field,
                when_field,
                equals,
                reason,
            });
        }
    }
    Ok(rules)
}
