use crate::ui::loading::{act, load};
use leptos::prelude::*;

use super::{withdraw_button::WithdrawButton, StageSetter};
use crate::onboarding::{answer_question, load_assessment_reasons, wizard::AgentQueue};

/// Waiting for an agent: manual onboarding or an additional assessment, and the agent's question
/// when there is one.
#[component]
pub fn AgentWaitStep(
    set_stage: StageSetter,
    queue: AgentQueue,
    question: Option<String>,
    /// The answer this page sent last (owned by the wizard: the step is drawn anew with the stage
    /// the answer moved to).
    sent: RwSignal<Option<String>>,
) -> impl IntoView {
    let answer = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let send = act(move |_: &()| {
        let text = answer.get_untracked();
        async move {
            match answer_question(text.clone()).await {
                Ok(stage) => {
                    sent.set(Some(text.trim().to_owned()));
                    set_stage.set(Some(stage));
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        }
    });
    // Why an assessment: as the check said before the person sent it, after a reload too.
    let reasons = matches!(queue, AgentQueue::Assessment).then(|| load(load_assessment_reasons));
    let asked = question.is_some();
    let (title, text) = match queue {
        AgentQueue::Assessment => (
            "Additional assessment required",
            "Your registration needs a check by one of our agents before access is given. Allow up to 24 hours; the agent may contact you for more information.",
        ),
        AgentQueue::ManualOnboarding => (
            "Request sent to an agent",
            "An agent will find the right company with you for manual onboarding. Allow up to 24 hours; the agent may contact you for more information.",
        ),
    };
    view! {
        <h1>{title}</h1>
        <p role="status">{text}</p>
        {reasons.map(|reasons| move || {
            reasons.get().and_then(Result::ok).filter(|list| !list.is_empty()).map(|list| view! {
                <div data-testid="assessment-reasons">
                    <p>"Why an agent checks it first:"</p>
                    <ul>{list.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}</ul>
                </div>
            })
        })}
        {move || sent.get().filter(|_| !asked).map(|answer| view! {
            <p class="success" role="status" data-testid="answer-sent">
                {format!("Your answer was sent to the agent: \u{201c}{answer}\u{201d}. They continue with your request, and you get an email when they decide.")}
            </p>
        })}
        {question.map(|question| view! {
            <h2>"The agent asks"</h2>
            <blockquote class="question">{question}</blockquote>
            <form on:submit=move |ev| { ev.prevent_default(); send.dispatch(()); }>
                <div class="field">
                    <label for="answer">"Your answer"</label>
                    <textarea id="answer" rows="4" prop:value=answer on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                </div>
                {move || error.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                <button type="submit" class="button" disabled=move || send.pending().get()>"Send answer"</button>
            </form>
        })}
        <WithdrawButton set_stage/>
    }
}
