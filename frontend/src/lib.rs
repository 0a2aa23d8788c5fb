//! The wasm entry point Trunk builds: everything else lives in the `app` crate.

fn main() {
    console_error_panic_hook::set_once();
    // The page's static placeholder is replaced by the app once the wasm runs.
    if let Some(placeholder) = leptos::prelude::document().get_element_by_id("boot") {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
