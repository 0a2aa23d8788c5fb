use leptos::prelude::*;

use super::TextField;

/// The field where someone chooses a password, with the one rule they need to know.
#[component]
pub fn NewPasswordField(
    label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <TextField
            name="password"
            label=label
            kind="password"
            autocomplete="new-password"
            hint="At least 12 characters. A few unrelated words make a strong password."
            error=error
        />
    }
}
