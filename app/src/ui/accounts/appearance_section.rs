use leptos::prelude::*;

use crate::ui::theme::{choose_theme, saved_theme, Theme};

/// The colour theme of NetCare's pages in this browser: the device's, light or dark.
#[component]
pub fn AppearanceSection() -> impl IntoView {
    let chosen = RwSignal::new(saved_theme());
    view! {
        <section class="card narrow" aria-labelledby="appearance-heading">
            <h2 id="appearance-heading">"Appearance"</h2>
            <fieldset class="choices">
                <legend>"Colour theme (kept in this browser)"</legend>
                {Theme::ALL.into_iter().map(|theme| view! {
                    <label class="choice">
                        <input type="radio" name="theme" value=theme.name()
                            prop:checked=move || chosen.get() == theme
                            on:change=move |_| { chosen.set(theme); choose_theme(theme); }/>
                        " "{theme.label()}
                    </label>
                }).collect_view()}
            </fieldset>
        </section>
    }
}
