use leptos::prelude::*;

use super::{
    AccountDashlet, CoverageDashlets, EndOfLifeDashlet, FieldNoticesDashlet,
    PendingRequestsDashlet, SecurityAdvisoriesDashlet, UploadsDashlet,
};
use crate::dashboard::{title, Layout};

/// A change the person made to the layout, applied to the latest one.
pub type LayoutChange = Box<dyn FnOnce(Layout) -> Layout>;

/// One dashlet with its controls to move it up or down among `visible` (the shown dashlets in
/// order) or to hide it. Created once per dashlet: moving it moves it, without loading it again.
#[component]
pub fn DashletFrame(
    id: String,
    visible: Memo<Vec<String>>,
    change: Callback<LayoutChange>,
) -> impl IntoView {
    let name = title(&id);
    let place = {
        let id = id.clone();
        Memo::new(move |_| visible.with(|ids| (ids.iter().position(|v| *v == id), ids.len())))
    };
    let (up, down, hide) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="dashlet-frame" data-dashlet=id.clone()>
            <div class="dashlet-controls" role="group" aria-label=format!("Arrange {name}")>
                <button type="button" class="link-button" disabled=move || place.get().0 == Some(0)
                    aria-label=format!("Move {name} up")
                    on:click=move |_| change.run(Box::new({ let id = up.clone(); move |l: Layout| l.moved(&id, true) }))>"↑"</button>
                <button type="button" class="link-button"
                    disabled=move || { let (at, count) = place.get(); at.is_some_and(|at| at + 1 == count) }
                    aria-label=format!("Move {name} down")
                    on:click=move |_| change.run(Box::new({ let id = down.clone(); move |l: Layout| l.moved(&id, false) }))>"↓"</button>
                <button type="button" class="link-button"
                    aria-label=format!("Hide {name}")
                    on:click=move |_| change.run(Box::new({ let id = hide.clone(); move |l: Layout| l.with_hidden(&id, true) }))>"Hide"</button>
            </div>
            {match id.as_str() {
                "coverage" => view! { <CoverageDashlets/> }.into_any(),
                "account" => view! { <AccountDashlet/> }.into_any(),
                "uploads" => view! { <UploadsDashlet/> }.into_any(),
                "end_of_life" => view! { <EndOfLifeDashlet/> }.into_any(),
                "security_advisories" => view! { <SecurityAdvisoriesDashlet/> }.into_any(),
                "field_notices" => view! { <FieldNoticesDashlet/> }.into_any(),
                _ => view! { <PendingRequestsDashlet/> }.into_any(),
            }}
        </div>
    }
}
