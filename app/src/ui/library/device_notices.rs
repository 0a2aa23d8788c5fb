use crate::ui::forms::LoadError;
use crate::ui::library::vendor_link::VendorLink;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;

use crate::{
    alerts::{milestones::date_label, DeviceNotice},
    library::load_device_notices,
};

/// A device's field notices on its page: each notice listing its product, whether it affects
/// this device and why (or why not), and what the vendor says to do.
#[component]
pub fn DeviceNotices(device_id: i64, product_id: String) -> impl IntoView {
    let notices = load(move || load_device_notices(device_id));
    view! {
        <section class="card" aria-labelledby="notices-heading" data-testid="device-notices">
            <h2 id="notices-heading">"Field notices"</h2>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the field notices…"</p> }>
                {move || {
                    let product_id = product_id.clone();
                    suspend(async move {
                        match notices.await {
                            Ok(list) if list.is_empty() => {
                                let text = format!("No field notice lists {product_id}.");
                                view! { <p>{text}</p> }.into_any()
                            }
                            Ok(list) => view! {
                                <ul class="notice-list">
                                    {list.into_iter().map(|notice| view! { <NoticeItem notice/> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(err) => view! { <LoadError message=err.to_string() retry=move || notices.refetch()/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn NoticeItem(notice: DeviceNotice) -> impl IntoView {
    let name = view! { <VendorLink id=notice.notice_id.clone() url=notice.url.clone()/> };
    let (verdict, class) = if notice.affected {
        ("Affects this device", "notice-affected")
    } else {
        ("Does not affect this device", "muted")
    };
    let about = format!(
        "{} notice, updated {}.",
        notice.notice_type.label(),
        date_label(&notice.last_updated)
    );
    let solution = (notice.affected && !notice.solution.is_empty())
        .then(|| view! { <p class="notice-solution"><strong>"What to do: "</strong>{notice.solution.clone()}</p> });
    view! {
        <li data-affected=notice.affected.to_string()>
            {name}" "{notice.title.clone()}
            <span class="cell-detail muted">{about}</span>
            <span class="cell-detail"><span class=class>{verdict}</span>{format!(": {}.", notice.reason)}</span>
            {solution}
        </li>
    }
}
