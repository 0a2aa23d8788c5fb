//! The messages NetCare sends: plain text and HTML, with the product name and the link.

use super::Email;

/// Escapes text for HTML (names and addresses are people's input).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A message with a greeting, paragraphs, an optional call to action, and a footer.
fn compose(
    to: &str,
    subject: &str,
    name: &str,
    paragraphs: &[&str],
    action: Option<(&str, &str)>,
) -> Email {
    let mut text = format!("Hello {name},\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">\
         <h1 style=\"font-size:18px\">NetCare</h1><p>Hello {},</p>",
        escape(name)
    );
    for paragraph in paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let Some((label, link)) = action {
        text.push_str(&format!("{label}: {link}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"background:#0b5cad;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none\">{}</a></p>\
             <p style=\"color:#555\">Or copy this link into your browser: {}</p>",
            escape(link),
            escape(label),
            escape(link)
        ));
    }
    text.push_str("— NetCare\n");
    html.push_str("<p>— NetCare</p></body></html>");
    Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
    }
}

pub fn verify_email(to: &str, name: &str, link: &str, hours: u64) -> Email {
    compose(
        to,
        "Verify your email address for NetCare",
        name,
        &[
            "Please confirm that this is your email address, so NetCare can send you notifications about your registration and access requests.",
            &format!("The link works once and expires in {hours} hours. If you did not create a NetCare account, ignore this message."),
        ],
        Some(("Verify my email address", link)),
    )
}

/// To the owner of an address someone tried to register again (the form answered as usual).
pub fn registration_with_your_address(to: &str, sign_in: &str, reset: &str) -> Email {
    compose(
        to,
        "Someone tried to register with your email address",
        "there",
        &[
            "Someone tried to create a NetCare account with this email address, which already has one. No account was created.",
            &format!("If it was you, sign in at {sign_in}, or reset your password if you forgot it. If it was not you, you need not do anything."),
        ],
        Some(("Reset my password", reset)),
    )
}

/// To the address given with a username that is taken (the form answered as usual).
pub fn username_taken(to: &str, name: &str, username: &str, register: &str) -> Email {
    compose(
        to,
        "Choose another username for NetCare",
        name,
        &[
            &format!("The username {username} is already taken, so no account was created for this address."),
            "Register again with another username.",
        ],
        Some(("Register", register)),
    )
}

pub fn change_email(to: &str, name: &str, link: &str, hours: u64) -> Email {
    compose(
        to,
        "Confirm your new email address for NetCare",
        name,
        &[
            "You asked to change the email address of your NetCare account to this one. It replaces the old one once you confirm it.",
            &format!("The link works once and expires in {hours} hours. If you did not ask for this, ignore this message."),
        ],
        Some(("Confirm my new email address", link)),
    )
}

pub fn password_reset(to: &str, name: &str, link: &str, minutes: u64) -> Email {
    compose(
        to,
        "Reset your NetCare password",
        name,
        &[
            "Someone, hopefully you, asked to reset the password of your NetCare account.",
            &format!("The link works once and expires in {minutes} minutes. Resetting signs you out everywhere. If you did not ask for this, ignore this message: your password stays as it is."),
        ],
        Some(("Choose a new password", link)),
    )
}

pub fn access_request_for_da(
    to: &str,
    da_name: &str,
    requester: &str,
    requester_email: &str,
    company: &str,
    link: &str,
) -> Email {
    compose(
        to,
        // The subject names no person: a name is free text, and a subject is read before anything.
        &format!("New request for access to NetCare for {company}"),
        da_name,
        &[&format!(
            "{requester} ({requester_email}) proved an entitlement of {company} and asks for access to NetCare. As a Delegated Administrator, you can grant a role or deny the request."
        )],
        Some(("Review the request", link)),
    )
}

/// To the address an account had: it has another now (so a change the person did not make is
/// noticed where they still read).
pub fn email_changed(to: &str, name: &str, new_email: &str, reset_link: &str) -> Email {
    compose(
        to,
        "The email address of your NetCare account was changed",
        name,
        &[
            &format!("The email address of your NetCare account is now {new_email}; NetCare no longer writes to this one."),
            "If you did not make this change, reset your password at once and tell your company's Delegated Administrator.",
        ],
        Some(("Reset my password", reset_link)),
    )
}

/// To a company's other DAs when someone joins it, so a member nobody there let in is noticed.
#[allow(clippy::too_many_arguments)]
pub fn member_joined(
    to: &str,
    name: &str,
    person: &str,
    person_email: &str,
    company: &str,
    role: &str,
    by: Option<&str>,
    link: &str,
) -> Email {
    let how = match by {
        Some(by) => format!("{person} ({person_email}) now has access to NetCare for {company} as {role}, given by {by}."),
        None => format!("{person} ({person_email}) now has access to NetCare for {company} as {role}."),
    };
    compose(
        to,
        &format!("A new member joined {company} on NetCare"),
        name,
        &[
            &how,
            "If this person should not have access, revoke it on the Access page and tell your vendor.",
        ],
        Some(("Open Access", link)),
    )
}

/// After a password change in the profile, so a change the person did not make is noticed.
pub fn password_changed(to: &str, name: &str, reset_link: &str) -> Email {
    compose(
        to,
        "Your NetCare password was changed",
        name,
        &[
            "The password of your NetCare account was just changed, and every other session of the account was signed out.",
            "If you did not make this change, reset your password at once and tell your company's Delegated Administrator.",
        ],
        Some(("Reset my password", reset_link)),
    )
}

/// To the person: their two-step sign-in was turned on or off, or its recovery codes replaced.
pub fn second_factor_changed(to: &str, name: &str, what: &str, reset_link: &str) -> Email {
    let said = format!("Two-step sign-in of your NetCare account: {what}.");
    compose(
        to,
        "Two-step sign-in of your NetCare account changed",
        name,
        &[
            said.as_str(),
            "If you did not make this change, reset your password at once and tell your company's Delegated Administrator.",
        ],
        Some(("Reset my password", reset_link)),
    )
}

/// To a DA: the vendor associated email addresses with the company's contracts. An associated
/// address proves the company's entitlement in onboarding, so the DA should know of each.
pub fn associations_added(
    to: &str,
    name: &str,
    company: &str,
    associations: &[(String, String)],
) -> Email {
    const LISTED: usize = 20;
    let mut list: Vec<String> = associations
        .iter()
        .take(LISTED)
        .map(|(contract, email)| format!("{email}: contract {contract}"))
        .collect();
    if associations.len() > LISTED {
        list.push(format!("and {} more", associations.len() - LISTED));
    }
    let intro = format!(
        "The vendor's registry now associates these email addresses with contracts of {company}: whoever reads mail at one of them can ask to join {company} on NetCare with that contract."
    );
    let listed = list.join("\n");
    compose(
        to,
        &format!("Email addresses associated with {company}'s contracts"),
        name,
        &[
            &intro,
            &listed,
            "If one of them is not someone of your company, tell your vendor; requests to join still come to you to decide.",
        ],
        None,
    )
}

/// After a password reset: the reset link came to this address, so if the person did not ask
/// for it, someone reads their mail.
pub fn password_was_reset(to: &str, name: &str, reset_link: &str) -> Email {
    compose(
        to,
        "Your NetCare password was reset",
        name,
        &[
            "The password of your NetCare account was just reset with a link sent to this address, and every session of the account was signed out.",
            "If you did not do this, someone may be reading your email: secure your mailbox, reset your password again and tell your company's Delegated Administrator.",
        ],
        Some(("Reset my password", reset_link)),
    )
}

pub fn access_decision(
    to: &str,
    name: &str,
    company: &str,
    granted_role: Option<&str>,
    reason: Option<&str>,
    link: &str,
) -> Email {
    match granted_role {
        Some(role) => compose(
            to,
            "Your access to NetCare is approved",
            name,
            &[&format!("You now have access to NetCare for {company}, as {role}. You can use the portal at once.")],
            Some(("Open NetCare", link)),
        ),
        None => {
            let why = reason.map(|r| format!(" The reason given: {r}")).unwrap_or_default();
            compose(
                to,
                "Your request for access to NetCare was declined",
                name,
                &[&format!("Your request for access to NetCare for {company} was declined.{why}"), "If you think this is a mistake, contact your company's Delegated Administrator."],
                Some(("Open NetCare", link)),
            )
        }
    }
}

pub fn agent_question(to: &str, name: &str, question: &str, link: &str) -> Email {
    compose(
        to,
        "NetCare needs more information about your registration",
        name,
        &[
            "An agent looking at your registration asks:",
            question,
            "Answer in the registration wizard.",
        ],
        Some(("Answer", link)),
    )
}

pub fn welcome(to: &str, name: &str, company: &str, link: &str) -> Email {
    compose(
        to,
        "Welcome to NetCare",
        name,
        &[
            &format!("Your registration for {company} is complete."),
            "Next, upload your device inventory: a CSV file from the Uploads page (a template is there), or a collector sending it with a token from the Collectors page. NetCare then shows the coverage of every device.",
        ],
        Some(("Open NetCare", link)),
    )
}

pub fn granted_administrator(to: &str, name: &str, company: &str, link: &str) -> Email {
    compose(
        to,
        "Granted access to NetCare as an Administrator",
        name,
        &[&format!(
            "You are a Delegated Administrator of {company} in NetCare, and its administrator by default: you approve other people's access requests and manage uploads and collectors."
        )],
        Some(("Open NetCare", link)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_but_not_in_text() {
        let email = verify_email(
            "a@corp.example",
            "<script>x</script>",
            "https://nc.example/verify-email?token=abc",
            24,
        );
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(!email.html.contains("<script>"));
        assert!(email.text.contains("Hello <script>x</script>,"));
        assert!(email
            .text
            .contains("https://nc.example/verify-email?token=abc"));
        assert!(email
            .html
            .contains("href=\"https://nc.example/verify-email?token=abc\""));
        assert!(email.text.contains("NetCare"));
    }
}
