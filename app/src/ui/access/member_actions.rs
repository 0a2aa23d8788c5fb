use crate::ui::loading::act;
use leptos::prelude::*;

use crate::access::{change_member_role, move_delegated_admin, revoke_member, MemberInfo, Role};

/// A DA's controls for one person: give a role, move a DA up or down the order, revoke access
/// (asked twice: it signs the person out everywhere at once).
#[component]
pub fn MemberActions(
    member: MemberInfo,
    da_count: usize,
    on_change: Callback<()>,
) -> impl IntoView {
    let id = member.account_id;
    let role = RwSignal::new(member.role.as_str().to_owned());
    let confirming = RwSignal::new(false);
    // The person's collector tokens stop with their access (or as a User), unless kept.
    let keep_tokens = RwSignal::new(false);
    let tokens = member.collector_tokens.clone();
    let error = RwSignal::new(None::<String>);
    let done = move |result: Result<(), crate::access::AccessError>| match result {
        Ok(()) => on_change.run(()),
        Err(err) => error.set(Some(err.to_string())),
    };
    let save = act(move |_: &()| {
        let role = role.get_untracked();
        let keep = keep_tokens.get_untracked();
        async move { done(change_member_role(id, role, keep).await) }
    });
    let move_to = act(move |position: &u32| {
        let position = *position;
        async move { done(move_delegated_admin(id, position).await) }
    });
    let revoke = act(move |_: &()| {
        let keep = keep_tokens.get_untracked();
        async move { done(revoke_member(id, keep).await) }
    });
    let select_id = format!("role-of-{id}");
    let who = member.full_name.clone();
    view! {
        <div class="member-actions">
            <label for=select_id.clone() class="visually-hidden">{format!("Role of {who}")}</label>
            <select id=select_id on:change=move |ev| role.set(event_target_value(&ev))>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected={r == member.role}>{r.label()}</option>
                }).collect_view()}
            </select>
            <button type="button" class="button secondary" aria-label=format!("Save role of {who}")
                on:click=move |_| { error.set(None); save.dispatch(()); }>"Save role"</button>
            {member.da_position.map(|place| {
                let place = place as u32;
                view! {
                    <button type="button" class="button secondary" disabled={place <= 1}
                        aria-label=format!("Move {who} up the DA order")
                        on:click=move |_| { error.set(None); move_to.dispatch(place - 1); }>"↑"</button>
                    <button type="button" class="button secondary" disabled={place as usize >= da_count}
                        aria-label=format!("Move {who} down the DA order")
                        on:click=move |_| { error.set(None); move_to.dispatch(place + 1); }>"↓"</button>
                }
            })}
            {move || if confirming.get() {
                view! {
                    <span role="group" aria-label="Confirm revocation">
                        <button type="button" class="button danger"
                            on:click=move |_| { confirming.set(false); revoke.dispatch(()); }>"Yes, revoke access"</button>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </span>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button secondary" aria-label=format!("Revoke access of {}", member.full_name)
                        on:click=move |_| { error.set(None); confirming.set(true); }>"Revoke"</button>
                }.into_any()
            }}
            {move || {
                let losing = confirming.get() || role.get() == Role::User.as_str();
                (losing && !tokens.is_empty() && member.role != Role::User).then(|| {
                    let names = tokens.join(", ");
                    let check_id = format!("keep-tokens-of-{id}");
                    view! {
                        <p class="muted">{format!("Their collector tokens ({names}) will be revoked.")}</p>
                        <div class="field checkbox">
                            <input id=check_id.clone() type="checkbox" prop:checked=move || keep_tokens.get()
                                on:change=move |ev| keep_tokens.set(event_target_checked(&ev))/>
                            <label for=check_id>"Keep their collector tokens working"</label>
                        </div>
                    }
                })
            }}
            {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        </div>
    }
}
