use leptos::prelude::*;

/// A form-level message (not about one field), announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|text| view! { <p class="form-error" role="alert">{text}</p> })
    }
}
