//! Inventory uploads through the real endpoints: the browser's CSV import, the collector API,
//! one quota for both, coverage computed on landing, and nothing left by a refused upload. The
//! helpers every test shares are in `support::uploads`.

mod collectors;
mod devices_api;
mod files;
mod history;
mod inventory;
mod modes;
mod quota;
mod token_lifecycle;

/// What every upload test names: the endpoints' types, the request builders and the helpers.
mod prelude {
    pub(crate) use app::inventory::{
        CreateCollectorToken, DeleteInventory, ListCollectorTokens, LoadUploadOverview,
        PreviewInventory, RevokeCollectorToken,
    };
    pub(crate) use axum::{
        body::Body,
        http::{Request, StatusCode},
    };
    pub(crate) use leptos::server_fn::ServerFn;
    pub(crate) use serde_json::{json, Value};

    pub(crate) use crate::support::{
        body_text, both_databases, uploads::*, Backend, Browser, PUBLIC_URL,
    };
}
