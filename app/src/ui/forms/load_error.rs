use leptos::prelude::*;

/// What could not be loaded, said where it would have been, with a way to try again.
#[component]
pub fn LoadError(message: String, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="load-error" role="alert">
            <p class="error">{message}</p>
            <button type="button" class="button secondary" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}
