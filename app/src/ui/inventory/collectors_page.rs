use crate::ui::forms::{CopyButton, LoadError};
use crate::ui::loading::{act, load, suspend};
use leptos::prelude::*;

use crate::ui::data_table::DataTable;
use leptos_meta::Title;

use super::format::utc_minute;
use crate::inventory::{
    create_collector_token, list_collector_tokens, revoke_collector_token, CreatedToken, TokenInfo,
    TokenScope,
};

/// Collector tokens (DA and Admin): create one per collector, see when each was last used, and
/// revoke one so its uploads are refused from then on.
#[component]
pub fn CollectorsPage() -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let expiry = RwSignal::new(String::new());
    let scope = RwSignal::new(String::new());
    let create = act(move |_: &()| {
        create_collector_token(
            name.get_untracked(),
            expiry.get_untracked().parse().ok(),
            TokenScope::parse(&scope.get_untracked()).unwrap_or_default(),
        )
    });
    let revoke = act(|id: &i64| revoke_collector_token(*id));
    let tokens = load(move || {
        create.version().track();
        revoke.version().track();
        list_collector_tokens()
    });
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            set_name.set(String::new());
        }
    });
    view! {
        <Title text="Collectors"/>
        <h1>"Collectors"</h1>
        <p class="lead">
            "A collector uploads your inventory through NetCare's API with a collector token; an integration that only "
            "reads (a ticketing system, a CMDB) gets a read-only one. Create one token per collector, so each can be revoked on its own. Uploads by collectors count toward the company's daily upload quota."
        </p>
        <section class="card" aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">"New collector token"</h2>
            <form on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                <div class="field">
                    <label for="token-name">"Collector name"</label>
                    <input id="token-name" type="text" maxlength="100" required prop:value=name
                        on:input=move |ev| set_name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="token-scope">"Can"</label>
                    <select id="token-scope" prop:value=move || scope.get()
                        on:change=move |ev| scope.set(event_target_value(&ev))>
                        <option value="upload">{TokenScope::Upload.label()}</option>
                        <option value="read">{TokenScope::Read.label()}" (for integrations)"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="token-expiry">"Works"</label>
                    <select id="token-expiry" prop:value=move || expiry.get()
                        on:change=move |ev| expiry.set(event_target_value(&ev))>
                        <option value="">"Until revoked"</option>
                        <option value="30">"For 30 days"</option>
                        <option value="90">"For 90 days"</option>
                        <option value="365">"For a year"</option>
                    </select>
                </div>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Create token"</button>
            </form>
            {move || create.value().get().map(|result| match result {
                Ok(created) => view! { <NewToken created/> }.into_any(),
                Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            })}
        </section>
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"Tokens"</h2>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading tokens…"</p> }>
                {move || suspend(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty-state">"No collector tokens yet."</p> }.into_any(),
                        Ok(list) => view! { <TokenTable list on_revoke=move |id| { revoke.dispatch(id); }/> }.into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() retry=move || tokens.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            {move || revoke.value().get().and_then(|r| r.err()).map(|err| view! { <p class="form-error" role="alert">{err.to_string()}</p> })}
        </section>
        <section class="card" aria-labelledby="api-heading">
            <h2 id="api-heading">"Using the API"</h2>
            <p>"Send the inventory as CSV (the template's columns) or JSON; a retry with the same Idempotency-Key counts once:"</p>
            <pre><code>"curl -H 'Authorization: Bearer nct_…' -H 'Content-Type: text/csv' \\\n     -H 'Idempotency-Key: inventory-2026-11-24' \\\n     --data-binary @inventory.csv https://…/api/v1/uploads"</code></pre>
            <p>"Every endpoint, parameter and answer: " <a href="/api/v1/docs">"the API reference"</a> " (" <a href="/api/v1/openapi.json">"OpenAPI"</a> ")."</p>
        </section>
    }
}

#[component]
fn NewToken(created: CreatedToken) -> impl IntoView {
    view! {
        <div class="new-token" role="status">
            <p>{format!("Token “{}” created. Copy it now: it is not shown again.", created.token.name)}</p>
            <p>
                <code class="secret" data-testid="new-token">{created.secret.clone()}</code>
                " "
                <CopyButton text=created.secret label="Copy the token"/>
            </p>
        </div>
    }
}

#[component]
fn TokenTable(list: Vec<TokenInfo>, #[prop(into)] on_revoke: Callback<i64>) -> impl IntoView {
    view! {
        <DataTable heads=&["Name", "Token", "Can", "Created", "Last used", "Status"]>
                {list.into_iter().map(|t| {
                    let id = t.id;
                    let created = format!("{} by {}", utc_minute(&t.created_at), t.created_by);
                    let last_used = match (t.last_used_at.as_deref(), t.last_used_address) {
                        (Some(at), Some(address)) => format!("{} from {address}", utc_minute(at)),
                        (Some(at), None) => utc_minute(at),
                        (None, _) => "never".to_owned(),
                    };
                    let until = t.expires_at.as_deref().map(|at| format!("Works until {}", utc_minute(at)));
                    view! {
                        <tr>
                            <td data-label="Name">{t.name.clone()}</td>
                            <td data-label="Token"><code>{t.hint}</code></td>
                            <td data-label="Can">{t.scope.label()}</td>
                            <td data-label="Created">{created}</td>
                            <td data-label="Last used">{last_used}</td>
                            <td data-label="Status">
                                {match t.revoked_at {
                                    Some(at) => view! { <span>{format!("Revoked {}", utc_minute(&at))}</span> }.into_any(),
                                    None => view! {
                                        {until.map(|text| view! { <span class="muted">{text}" "</span> })}
                                        <button type="button" class="button secondary"
                                            aria-label=format!("Revoke {}", t.name)
                                            on:click=move |_| on_revoke.run(id)>"Revoke"</button>
                                    }.into_any(),
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
    }
}
