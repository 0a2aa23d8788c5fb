//! The onboarding wizard (one component per step), the page its email link opens, the DA's
//! access requests and the agents' console.

mod access_requests_page;
mod agent_console_page;
mod agent_wait_step;
mod choose_step;
mod confirm_step;
mod email_verified_step;
mod link_page;
mod outcome_steps;
mod overview_step;
mod registry_import_panel;
mod verify_step;
mod withdraw_button;
mod wizard_page;

pub use access_requests_page::AccessRequestsPage;
pub use agent_console_page::AgentConsolePage;
pub use link_page::OnboardingLinkPage;
pub use wizard_page::WizardPage;

use crate::ui::loading::act;
use leptos::prelude::*;

use crate::onboarding::{wizard::Stage, OnboardingError};

/// Where each step reports the stage the server moved the wizard to.
pub(crate) type StageSetter = WriteSignal<Option<Stage>>;

/// Runs a wizard move and shows its result: the new stage, or the error.
pub(crate) fn wizard_action<F, Fut>(
    set_stage: StageSetter,
    error: RwSignal<Option<String>>,
    call: F,
) -> Action<(), ()>
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<Stage, OnboardingError>> + 'static,
{
    act(move |_: &()| {
        let fut = call();
        async move {
            match fut.await {
                Ok(stage) => {
                    error.set(None);
                    set_stage.set(Some(stage));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    })
}
