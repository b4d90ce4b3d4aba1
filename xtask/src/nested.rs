//! The objects a request body holds, at any depth: each object schema's fields as one constant
//! (`object_fields::<SCHEMA>`), which a field that holds it names, so that the client and the
//! fake check what is inside a body's objects and arrays from the same data; and a body that is
//! itself an array.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::fields::{BodyField, Kind, body_field, object_of};

/// The object schema a field of `kind` holds (or each of its array's items).
pub(crate) fn nested_schema(spec: &OpenAPI, kind: &Kind) -> Option<String> {
    let name = match kind {
        Kind::Object(name) => name,
        Kind::Array { items, .. } => match items.as_ref() {
            Kind::Object(name) => name,
            _ => return None,
        },
        _ => return None,
    };
    object_of(spec, name).map(|_| name.clone())
}

/// The fields of object schema `name`, as a body's (what they hold named by schema).
pub(crate) fn object_fields(spec: &OpenAPI, name: &str) -> Result<Vec<BodyField>, String> {
    let object =
        object_of(spec, name).ok_or_else(|| format!("`{name}` is not an object schema"))?;
    let mut fields = Vec::new();
    for (field, s) in &object.properties {
        let mut field = body_field(spec, name, object, field, s, false)?;
        if field.from_path.is_some() {
            return Err(format!(
                "`{name}.{}` has `x-from-path`: only a body's own fields, or its wrapped object's, \
                 repeat the path",
                field.name
            ));
        }
        // An object that holds itself names no constant of its own (a constant cannot).
        field.nested = field.nested.filter(|n| n != name);
        fields.push(field);
    }
    Ok(fields)
}

/// The constant that holds object schema `name`'s fields.
pub(crate) fn fields_const(name: &str) -> syn::Ident {
    format_ident!("{}", heck::ToShoutySnakeCase::to_shouty_snake_case(name))
}

/// `pub const <SCHEMA>: &[Field]` for every object schema a body field holds, at any depth.
pub(crate) fn object_field_consts(
    spec: &OpenAPI,
    bodies: &[&[BodyField]],
) -> Result<Vec<TokenStream>, String> {
    let mut todo: Vec<String> = bodies
        .iter()
        .flat_map(|fields| fields.iter().filter_map(|f| f.nested.clone()))
        .collect();
    let mut done = std::collections::BTreeMap::new();
    while let Some(name) = todo.pop() {
        if done.contains_key(&name) {
            continue;
        }
        let fields = object_fields(spec, &name)?;
        todo.extend(fields.iter().filter_map(|f| f.nested.clone()));
        done.insert(name, fields);
    }
    Ok(done
        .iter()
        .map(|(name, fields)| {
            let (ident, doc) = (fields_const(name), format!("The fields of `{name}`."));
            let fields = fields.iter().map(BodyField::descriptor);
            quote! {
                #[doc = #doc]
                pub const #ident: &[Field] = &[#(#fields),*];
            }
        })
        .collect())
}

/// A body that is a JSON array (`[{..}, ..]`: CreatePlaybookAction's actions), when schema
/// `name` is an array schema: the one field that holds it, named by the schema's
/// `x-rust-setter` (the client's setter, and the name its errors give), required. `None` for
/// any other schema; an array schema without `x-rust-setter` is an error.
pub(crate) fn array_body(spec: &OpenAPI, name: &str) -> Result<Option<BodyField>, String> {
    let Some(s) = crate::shapes::schema(spec, name) else {
        return Ok(None);
    };
    if !matches!(s.schema_kind, SchemaKind::Type(Type::Array(_))) {
        return Ok(None);
    }
    let setter = s
        .schema_data
        .extensions
        .get("x-rust-setter")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            format!("its body `{name}` is an array: name its setter with `x-rust-setter`")
        })?;
    // The array as the one required member of an object that is never sent: its checks and
    // setter are a field's.
    let holder = openapiv3::ObjectType {
        required: vec![setter.to_owned()],
        ..Default::default()
    };
    let array = ReferenceOr::Item(Box::new(s.clone()));
    body_field(spec, name, &holder, setter, &array, false).map(Some)
}
