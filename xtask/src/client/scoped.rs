//! The methods of the handle scoped to one project and workspace (`client.workspace(p, w)`,
//! `secmaster::WorkspaceClient`, hand-written): every operation whose path starts with the
//! project and the workspace, without those two arguments.

use proc_macro2::TokenStream;
use quote::quote;

use super::{deprecated, extra_args, ident, names};
use crate::operations::OpInfo;

/// `impl WorkspaceClient { .. }` with a method per operation scoped to a workspace.
pub(super) fn scoped(ops: &[&OpInfo]) -> Result<TokenStream, String> {
    let mut methods = Vec::new();
    for op in ops {
        if op.path_params.get(..2) != Some(&["project_id".to_owned(), "workspace_id".to_owned()]) {
            continue;
        }
        let names = names(op);
        let rest: Vec<syn::Ident> = op.path_params[2..].iter().map(|p| ident(p)).collect();
        let mut decls: Vec<TokenStream> =
            rest.iter().map(|a| quote!(#a: impl Into<String>)).collect();
        let mut args: Vec<TokenStream> = rest.iter().map(|a| quote!(#a)).collect();
        for (arg, ty, _) in extra_args(op).map_err(|e| format!("operation `{}`: {e}", op.id))? {
            decls.push(quote!(#arg: #ty));
            args.push(quote!(#arg));
        }
        let (method, builder) = (&names.method, &names.builder);
        let doc = format!(
            " [`Client::{}`] in this handle's project and workspace (operationId `{}`).",
            names.method_name, op.id
        );
        // The method calls the client's, deprecated too.
        let mut deprecated = deprecated(op);
        if !deprecated.is_empty() {
            deprecated.extend(quote!(#[allow(deprecated)]));
        }
        methods.push(quote! {
            #[doc = #doc]
            #deprecated
            pub fn #method(&self, #(#decls),*) -> #builder {
                self.client().#method(self.project_id(), self.workspace_id(), #(#args),*)
            }
        });
    }
    Ok(quote! {
        impl crate::WorkspaceClient {
            #(#methods)*
        }
    })
}
