use leptos::{prelude::*, task::spawn_local};

/// Copies `text` to the clipboard, and says whether it did (a browser may refuse: then the text
/// is there to select by hand).
#[component]
pub fn CopyButton(
    text: String,
    /// What the button copies, for its accessible name ("Copy the token").
    label: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let Some(clipboard) = web_sys::window().map(|window| window.navigator().clipboard()) else {
            copied.set(Some(false));
            return;
        };
        let promise = clipboard.write_text(&text);
        spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(done));
        });
    };
    view! {
        <button type="button" class="button secondary copy" on:click=copy>{label}</button>
        <span class="copy-outcome" role="status">{move || match copied.get() {
            Some(true) => "Copied.",
            Some(false) => "Your browser did not allow copying: select the text and copy it.",
            None => "",
        }}</span>
    }
}
