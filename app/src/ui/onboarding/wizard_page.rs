use crate::ui::forms::LoadError;
use crate::ui::loading::{load, suspend};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{
    agent_wait_step::AgentWaitStep,
    choose_step::ChooseStep,
    confirm_step::ConfirmStep,
    email_verified_step::EmailVerifiedStep,
    outcome_steps::{CompleteStep, DeniedStep, SubmittedStep, VerifyEmailStep},
    overview_step::OverviewStep,
    verify_step::VerifyStep,
};
use crate::{
    contexts::session::use_session,
    onboarding::{load_wizard, wizard::Stage, WizardView},
};

/// The registration wizard: resumes at the stage the server holds for the person.
#[component]
pub fn WizardPage() -> impl IntoView {
    let session = use_session();
    let signed_in = Memo::new(move |_| session.user().is_some());
    let loaded = Memo::new(move |_| session.loaded());
    view! {
        <Title text="Registration"/>
        {move || match (signed_in.get(), loaded.get()) {
            (true, _) => view! { <Wizard/> }.into_any(),
            (false, true) => view! {
                <section class="card narrow">
                    <h1>"Register your company"</h1>
                    <p>"Sign in (or create an account with your business email) to start."</p>
                    <A href="/login" attr:class="button">"Sign in"</A>
                </section>
            }.into_any(),
            (false, false) => view! { <section class="card narrow skeleton-block" aria-busy="true"></section> }.into_any(),
        }}
    }
}

#[component]
fn Wizard() -> impl IntoView {
    let view_data = load(load_wizard);
    let (stage, set_stage) = signal(None::<Stage>);
    view! {
        <Transition fallback=|| view! { <section class="card narrow skeleton-block" aria-busy="true"></section> }>
            {move || suspend(async move {
                match view_data.await {
                    Ok(WizardView { stage: first, full_name, email }) => {
                        if stage.get_untracked().is_none() {
                            set_stage.set(Some(first));
                        }
                        view! { <Step stage set_stage full_name email/> }.into_any()
                    }
                    Err(err) => view! { <LoadError message=err.to_string() retry=move || view_data.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Step(
    stage: ReadSignal<Option<Stage>>,
    set_stage: WriteSignal<Option<Stage>>,
    full_name: String,
    email: String,
) -> impl IntoView {
    let session = use_session();
    let answer_sent = RwSignal::new(None::<String>);
    move || {
        let Some(current) = stage.get() else {
            return ().into_any();
        };
        if matches!(current, Stage::Complete) {
            // Roles and the company show in the navigation once registration is complete.
            session.refresh();
        }
        let step = match current {
            Stage::Overview => view! { <OverviewStep set_stage/> }.into_any(),
            Stage::VerifyAccount => {
                view! { <VerifyStep set_stage full_name=full_name.clone() email=email.clone()/> }
                    .into_any()
            }
            Stage::ConfirmRequest { proof, first_da } => {
                view! { <ConfirmStep set_stage proof first_da/> }.into_any()
            }
            Stage::ChooseOrganisation { proof, entries } => {
                view! { <ChooseStep set_stage proof entries/> }.into_any()
            }
            Stage::RequestSubmitted { first_da, .. } => {
                view! { <SubmittedStep set_stage first_da/> }.into_any()
            }
            Stage::WaitingForAgent { queue, question } => {
                view! { <AgentWaitStep set_stage queue question sent=answer_sent/> }.into_any()
            }
            Stage::VerifyEmail => view! { <VerifyEmailStep email=email.clone()/> }.into_any(),
            Stage::EmailVerified => view! { <EmailVerifiedStep set_stage/> }.into_any(),
            Stage::Complete => view! { <CompleteStep/> }.into_any(),
            Stage::Denied { reason } => view! { <DeniedStep set_stage reason/> }.into_any(),
        };
        view! { <section class="card narrow wizard">{step}</section> }.into_any()
    }
}
