use leptos::prelude::*;

use super::member_actions::MemberActions;
use crate::{access::MemberInfo, ui::inventory::format::utc_minute};

/// The company's people: DAs first in their order, then Admins and Users.
#[component]
pub fn MembersTable(
    members: Vec<MemberInfo>,
    editable: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let da_count = members.iter().filter(|m| m.da_position.is_some()).count();
    view! {
        <section class="card" aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <table class="data-table">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                    <th scope="col">"Last sign-in"</th>
                    {editable.then(|| view! { <th scope="col">"Change"</th> })}
                </tr></thead>
                <tbody>
                    {members.into_iter().map(|member| {
                        let name = if member.is_you { format!("{} (you)", member.full_name) } else { member.full_name.clone() };
                        let role = match member.da_position {
                            Some(place) => format!("{} {place}", member.role.label()),
                            None => member.role.label().to_owned(),
                        };
                        let last = member.last_login_at.as_deref().map_or("never".to_owned(), utc_minute);
                        let label = format!("{} ({})", member.full_name, member.username);
                        view! {
                            <tr aria-label=label>
                                <td data-label="Name">{name}</td>
                                <td data-label="Email">{member.email.clone()}</td>
                                <td data-label="Role">{role}</td>
                                <td data-label="Last sign-in">{last}</td>
                                {editable.then(move || view! {
                                    <td data-label="Change"><MemberActions member da_count on_change/></td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
