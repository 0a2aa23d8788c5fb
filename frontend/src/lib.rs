//! The wasm entry points Trunk builds, one binary per area of the app (see `app::bundles`):
//! each mounts that area's root; everything else lives in the `app` crate.

use leptos::prelude::IntoView;

/// Starts a bundle: panics go to the console; the page's static placeholder stays until the app
/// knows who is signed in (`app::ui` removes it then).
pub fn start<V: IntoView + 'static>(root: fn() -> V) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(root);
}
