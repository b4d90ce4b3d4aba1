//! A request body's fields, read from its schema: what the descriptor states of each (required,
//! type, bounds, enum values) and the Rust type its generated setter takes.

use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::operations::{ref_name, schema};

/// One field of a request body.
pub(crate) struct BodyField {
    /// Its name on the wire.
    pub name: String,
    /// The name of its setter, and of the field in errors: `x-rust-setter`, else `name`.
    pub setter: String,
    pub required: bool,
    /// The spec's description, for the setter's doc.
    pub description: String,
    pub kind: Kind,
    /// Whether it is sent beside the wrapped object, at the body's top level.
    pub outer: bool,
    /// The schema of the object it holds, or of each object of an array of objects (its
    /// fields are the constant `object_fields::<SCHEMA>`).
    pub nested: Option<String>,
    /// Whether the schema takes `null` (`nullable: true`).
    pub nullable: bool,
    /// The path parameter it repeats (`x-from-path`).
    pub from_path: Option<String>,
}

/// Whether field schema `s` takes `null`: its `nullable`, or the referenced schema's.
pub(crate) fn nullable(spec: &OpenAPI, s: &ReferenceOr<Box<Schema>>) -> bool {
    match s {
        ReferenceOr::Item(item) => item.schema_data.nullable,
        ReferenceOr::Reference { reference } => {
            schema(spec, ref_name(reference)).is_some_and(|s| s.schema_data.nullable)
        }
    }
}

/// A field's type, with what the descriptor and the setter need of it.
#[derive(Clone)]
pub(crate) enum Kind {
    String {
        min_len: Option<usize>,
        max_len: Option<usize>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
        wide: bool,
        /// The values an integer enum lists (none for a plain integer).
        values: Vec<i64>,
    },
    Number,
    Boolean,
    /// A named string enum: its schema and values.
    Enum {
        schema: String,
        values: Vec<String>,
    },
    /// An array of items of this kind.
    Array {
        items: Box<Kind>,
        min_items: Option<usize>,
        max_items: Option<usize>,
    },
    /// A named object schema.
    Object(String),
    /// A free-form JSON object, of `min..=max` members where given, each member's value of
    /// kind `values` when the schema says (`additionalProperties`).
    Map {
        min: Option<usize>,
        max: Option<usize>,
        values: Option<Box<Kind>>,
    },
    /// A file (a binary part of a form).
    Binary,
}

/// The member a body wraps its object in, and the object's schema.
pub(crate) type Wrap = (String, String);

/// The body schema `name`'s fields, the member it wraps them in (`data_object`) and the wrapped
/// object's schema when it only wraps one object, and its `minProperties`.
pub(crate) fn body_fields(
    spec: &OpenAPI,
    name: &str,
) -> Result<(Option<Wrap>, Vec<BodyField>, u64), String> {
    let object = object_of(spec, name)
        .ok_or_else(|| format!("its body `{name}` must be an object schema"))?;
    let min = schema(spec, name).and_then(|s| match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.min_properties,
        _ => None,
    });
    // A body whose one member is a named object (`{"data_object": {..}}`), or whose
    // `x-rust-wrap` names such a member beside others (`batch_ids`): setters for the object's
    // fields, and for the others.
    let named = schema(spec, name)
        .and_then(|s| s.schema_data.extensions.get("x-rust-wrap"))
        .and_then(|v| v.as_str());
    let member = match (object.properties.len(), named) {
        (_, Some(member)) => Some(member),
        (1, None) => object.properties.keys().next().map(String::as_str),
        _ => None,
    };
    let inner = member.and_then(|m| match object.properties.get(m) {
        Some(ReferenceOr::Reference { reference }) => {
            Some(ref_name(reference)).filter(|inner| object_of(spec, inner).is_some())
        }
        _ => None,
    });
    if named.is_some() && inner.is_none() {
        return Err(format!(
            "body `{name}`: `x-rust-wrap` must name a member that is an object schema"
        ));
    }
    if let (Some(member), Some(inner)) = (member, inner) {
        let (_, mut fields, min) = body_fields(spec, inner)?;
        for (field, s) in object.properties.iter().filter(|(f, _)| *f != member) {
            if fields.iter().any(|f| &f.name == field) {
                return Err(format!(
                    "body `{name}`: `{field}` is both beside `{member}` and in it"
                ));
            }
            fields.push(body_field(spec, name, object, field, s, true)?);
        }
        return Ok((Some((member.to_owned(), inner.to_owned())), fields, min));
    }
    let mut fields = Vec::new();
    for (field, s) in &object.properties {
        fields.push(body_field(spec, name, object, field, s, false)?);
    }
    Ok((None, fields, min.unwrap_or(0) as u64))
}

/// Field `field` (schema `s`) of body `name`'s `object`; `outer` beside a wrapped object.
pub(crate) fn body_field(
    spec: &OpenAPI,
    name: &str,
    object: &openapiv3::ObjectType,
    field: &str,
    s: &ReferenceOr<Box<Schema>>,
    outer: bool,
) -> Result<BodyField, String> {
    let (kind, description) =
        kind_of(spec, s).map_err(|e| format!("body `{name}`, field `{field}`: {e}"))?;
    let extension = |name: &str| match s {
        ReferenceOr::Item(item) => item.schema_data.extensions.get(name),
        ReferenceOr::Reference { .. } => None,
    };
    let setter = extension("x-rust-setter").and_then(|v| v.as_str());
    let from_path = extension("x-from-path");
    if from_path.is_some_and(|v| !v.is_string()) {
        return Err(format!(
            "body `{name}`, field `{field}`: `x-from-path` must name a path parameter"
        ));
    }
    let nested = crate::nested::nested_schema(spec, &kind);
    Ok(BodyField {
        setter: setter.unwrap_or(field).to_owned(),
        name: field.to_owned(),
        required: object.required.iter().any(|r| r == field),
        description,
        kind,
        outer,
        nested,
        nullable: nullable(spec, s),
        from_path: from_path.and_then(|v| v.as_str()).map(str::to_owned),
    })
}

pub(crate) fn object_of<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a openapiv3::ObjectType> {
    match &schema(spec, name)?.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(o),
        _ => None,
    }
}

/// A field schema's kind and description.
pub(crate) fn kind_of(
    spec: &OpenAPI,
    s: &ReferenceOr<Box<Schema>>,
) -> Result<(Kind, String), String> {
    match s {
        ReferenceOr::Reference { reference } => {
            let name = ref_name(reference);
            let target = schema(spec, name)
                .ok_or_else(|| format!("`{reference}` is not in components.schemas"))?;
            let description = target.schema_data.description.clone().unwrap_or_default();
            let kind = match &target.schema_kind {
                SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => Kind::Enum {
                    schema: name.to_owned(),
                    values: st.enumeration.iter().flatten().cloned().collect(),
                },
                SchemaKind::Type(Type::Object(_)) => Kind::Object(name.to_owned()),
                _ => return Err(format!("`{name}` is neither a string enum nor an object")),
            };
            Ok((kind, description))
        }
        ReferenceOr::Item(item) => {
            let description = item.schema_data.description.clone().unwrap_or_default();
            Ok((inline_kind(spec, item)?, description))
        }
    }
}

fn inline_kind(spec: &OpenAPI, item: &Schema) -> Result<Kind, String> {
    Ok(match &item.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            if !st.enumeration.is_empty() {
                return Err("an inline enum: name it under components.schemas".to_owned());
            }
            if matches!(
                st.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            ) {
                Kind::Binary
            } else {
                Kind::String {
                    min_len: st.min_length,
                    max_len: st.max_length,
                }
            }
        }
        SchemaKind::Type(Type::Integer(int)) => Kind::Integer {
            min: int.minimum,
            max: int.maximum,
            wide: !matches!(
                &int.format,
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32)
            ),
            values: int.enumeration.iter().flatten().copied().collect(),
        },
        SchemaKind::Type(Type::Number(_)) => Kind::Number,
        SchemaKind::Type(Type::Boolean(_)) => Kind::Boolean,
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
            let values = match &o.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(s)) => {
                    let s: ReferenceOr<Box<Schema>> = match &**s {
                        ReferenceOr::Item(item) => ReferenceOr::Item(Box::new(item.clone())),
                        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                            reference: reference.clone(),
                        },
                    };
                    Some(Box::new(kind_of(spec, &s)?.0))
                }
                _ => None,
            };
            Kind::Map {
                min: o.min_properties,
                max: o.max_properties,
                values,
            }
        }
        SchemaKind::Type(Type::Object(_)) => {
            return Err(
                "an inline object with properties: name it under components.schemas".to_owned(),
            );
        }
        SchemaKind::Type(Type::Array(array)) => {
            let items = array.items.as_ref().ok_or("an array without `items`")?;
            let (items, _) = kind_of(spec, items)?;
            if matches!(items, Kind::Array { .. } | Kind::Binary) {
                return Err("an array of arrays or files".to_owned());
            }
            Kind::Array {
                items: Box::new(items),
                min_items: array.min_items,
                max_items: array.max_items,
            }
        }
        _ => {
            return Err(
                "a shape the generator does not know (allOf, oneOf, anyOf, not)".to_owned(),
            );
        }
    })
}

fn bound<T: quote::ToTokens>(b: Option<T>) -> TokenStream {
    match b {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

impl BodyField {
    /// `Field { .. }` for the descriptor.
    pub fn descriptor(&self) -> TokenStream {
        let (name, setter, required) = (&self.name, &self.setter, self.required);
        let (kind, outer, nullable) = (self.kind.descriptor(), self.outer, self.nullable);
        let items = match &self.kind {
            Kind::Map {
                values: Some(items),
                ..
            }
            | Kind::Array { items, .. }
                if !matches!(
                    **items,
                    Kind::Object(_) | Kind::Map { .. } | Kind::Array { .. }
                ) =>
            {
                let item = items.descriptor();
                quote!(Some(&#item))
            }
            _ => quote!(None),
        };
        let fields = match &self.nested {
            Some(schema) => {
                let ident = crate::nested::fields_const(schema);
                quote!(crate::object_fields::#ident)
            }
            None => quote!(&[]),
        };
        let from_path = crate::marks::option(self.from_path.as_deref());
        quote! {
            Field {
                name: #name, setter: #setter, required: #required, kind: #kind, outer: #outer,
                items: #items, fields: #fields, nullable: #nullable, from_path: #from_path,
            }
        }
    }
}

impl Kind {
    fn descriptor(&self) -> TokenStream {
        match self {
            Kind::String { min_len, max_len } => {
                let (min, max) = (
                    bound(min_len.map(|n| n as u64)),
                    bound(max_len.map(|n| n as u64)),
                );
                quote!(FieldKind::String { min_len: #min, max_len: #max })
            }
            Kind::Integer { values, .. } if !values.is_empty() => {
                quote!(FieldKind::IntegerEnum { values: &[#(#values),*] })
            }
            Kind::Integer { min, max, wide, .. } => {
                // An `int32` takes no more than its format holds, when the spec says no more.
                let (min, max) = match wide {
                    true => (*min, *max),
                    false => (
                        min.or(Some(i64::from(i32::MIN))),
                        max.or(Some(i64::from(i32::MAX))),
                    ),
                };
                let (min, max) = (bound(min), bound(max));
                quote!(FieldKind::Integer { min: #min, max: #max })
            }
            Kind::Number => quote!(FieldKind::Number),
            Kind::Boolean => quote!(FieldKind::Boolean),
            Kind::Enum { schema, values } => {
                quote!(FieldKind::Enum { schema: #schema, values: &[#(#values),*] })
            }
            Kind::Array {
                min_items,
                max_items,
                ..
            } => {
                let (min, max) = (
                    bound(min_items.map(|n| n as u64)),
                    bound(max_items.map(|n| n as u64)),
                );
                quote!(FieldKind::Array { min_items: #min, max_items: #max })
            }
            Kind::Object(_)
            | Kind::Map {
                min: None,
                max: None,
                values: None,
            } => quote!(FieldKind::Object),
            Kind::Map { min, max, .. } => {
                let (min, max) = (bound(min.map(|n| n as u64)), bound(max.map(|n| n as u64)));
                quote!(FieldKind::Map { min_members: #min, max_members: #max })
            }
            Kind::Binary => quote!(FieldKind::Binary),
        }
    }
}
