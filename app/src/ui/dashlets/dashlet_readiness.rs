//! The dashboard shows its dashlets together, once each has its first answer. Drawn one by one as
//! their data arrived, each dashlet grew from a "Loading…" line to its table and pushed the ones
//! below it down: the page jumped under the reader (Lighthouse measured a layout shift of 0.59).

use std::time::Duration;

use leptos::prelude::*;

/// How long the dashboard waits for a slow dashlet before showing the others anyway (the slow one
/// then says it is loading).
const LONGEST_WAIT: Duration = Duration::from_secs(3);

/// Shared by the dashboard and its dashlets: how many dashlets still wait for their first answer,
/// and whether the dashboard has been shown (once shown, it stays shown).
#[derive(Clone, Copy)]
pub struct DashletReadiness {
    waiting: RwSignal<usize>,
    shown: RwSignal<bool>,
}

impl DashletReadiness {
    /// Provides the readiness to the dashlets below; the dashboard is shown once `started` (its
    /// layout is known and the dashlets are placed) and no dashlet waits, or after `LONGEST_WAIT`.
    pub fn provide(started: Signal<bool>) -> Self {
        let readiness = Self {
            waiting: RwSignal::new(0),
            shown: RwSignal::new(false),
        };
        provide_context(readiness);
        Effect::new(move |timer_set: Option<bool>| {
            let timer_set = timer_set.unwrap_or(false);
            if !started.get() || readiness.shown.get_untracked() {
                return timer_set;
            }
            if readiness.waiting.get() == 0 {
                // One frame later, when the last dashlet's content is drawn, unless dashlets placed
                // meanwhile wait for theirs (this runs again when they have it).
                request_animation_frame(move || {
                    if readiness.waiting.get_untracked() == 0 {
                        readiness.shown.set(true);
                    }
                });
            }
            if !timer_set {
                set_timeout(move || readiness.shown.set(true), LONGEST_WAIT);
            }
            true
        });
        readiness
    }

    pub fn shown(&self) -> bool {
        self.shown.get()
    }
}

/// Counts a dashlet's resource while its first answer (data or error) is on its way. Outside the
/// dashboard (the Uploads page shows the uploads dashlet too) there is nothing to count.
pub fn report_first_answer<T: 'static>(resource: LocalResource<T>) {
    count_until(Box::new(move || resource.with(|answer| answer.is_some())));
}

/// The untyped part, compiled once (the wasm download is budgeted).
fn count_until(answered_yet: Box<dyn Fn() -> bool>) {
    let Some(readiness) = use_context::<DashletReadiness>() else {
        return;
    };
    readiness.waiting.update(|n| *n += 1);
    let answered = StoredValue::new(false);
    let settle = move || {
        if !answered.get_value() {
            answered.set_value(true);
            readiness.waiting.update(|n| *n = n.saturating_sub(1));
        }
    };
    Effect::new(move |_| {
        if answered_yet() {
            settle();
        }
    });
    // A dashlet removed before its answer (hidden, or the layout changed) waits no longer.
    on_cleanup(settle);
}
