//! Where a person is sent around signing in: a pure rule, tested below. A signed-out visitor who
//! opens a page that needs an account (a Library link from an email, a bookmark) is sent to sign
//! in, and back to that very page afterwards; without such a page, each person lands on their home.

use crate::accounts::CurrentUser;

/// Pages anyone may open: the landing page and what leads to an account. Every other known page
/// shows a person's or a company's data and needs sign-in. (Unknown paths show "page not found".)
const PUBLIC_PATHS: [&str; 7] = [
    "/",
    "/register",
    "/login",
    "/verify-email",
    "/forgot-password",
    "/reset-password",
    "/onboarding/verify",
];

/// Whether `path` (without query) is a page that needs a signed-in person.
pub fn needs_sign_in(path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    !PUBLIC_PATHS.contains(&path)
        && crate::bundles::Bundle::ALL
            .iter()
            .any(|bundle| bundle.paths().contains(&path))
}

/// The sign-in page that returns to `target` (a path with its query) afterwards.
pub fn sign_in_url(target: &str) -> String {
    format!("/login?next={}", percent_encode(target))
}

/// Where someone who must set up two-step sign-in is sent, whatever they asked for.
pub const SECOND_FACTOR_SETUP: &str = "/profile";

/// Where to go after signing in: the page asked for when it is a page of this site, else the
/// person's home (an agent's console, a member's dashboard, a newcomer's registration).
pub fn after_sign_in(next: Option<&str>, user: &CurrentUser) -> String {
    if user.second_factor_setup {
        return SECOND_FACTOR_SETUP.to_owned();
    }
    match next.filter(|next| is_local_path(next)) {
        Some(next) => next.to_owned(),
        None => home_of(user).to_owned(),
    }
}

/// Each person's start page.
pub fn home_of(user: &CurrentUser) -> &'static str {
    if user.is_agent {
        "/agents"
    } else if user.membership.is_some() {
        "/"
    } else {
        "/onboarding"
    }
}

/// A path on this site: starts with one `/` and cannot be read as another host (`//evil`,
/// `/\evil`), nor carry a scheme or control characters.
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next != "/login"
        && !next.starts_with("/login?")
}

/// Percent-encodes a path for a query value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Membership;

    fn person(is_agent: bool, role: Option<&str>) -> CurrentUser {
        CurrentUser {
            id: 1,
            username: "p".into(),
            full_name: "P".into(),
            email: "p@corp.example".into(),
            email_verified: true,
            is_agent,
            membership: role.map(|role| Membership {
                company_id: "C".into(),
                company_name: "Corp".into(),
                role: crate::accounts::Role::parse(role).unwrap_or(crate::accounts::Role::Support),
                support_until: None,
            }),
            second_factor_setup: false,
        }
    }

    #[test]
    fn pages_with_data_need_sign_in_and_the_way_to_an_account_does_not() {
        for path in [
            "/library",
            "/library/",
            "/library/contracts",
            "/uploads",
            "/profile",
            "/onboarding",
            "/access",
            "/access/requests",
            "/collectors",
            "/agents",
        ] {
            assert!(needs_sign_in(path), "{path}");
        }
        for path in [
            "/",
            "",
            "/login",
            "/register",
            "/verify-email",
            "/forgot-password",
            "/reset-password",
            "/onboarding/verify",
            "/no/such/page",
        ] {
            assert!(!needs_sign_in(path), "{path}");
        }
    }

    #[test]
    fn the_page_asked_for_survives_the_sign_in_page() {
        let url = sign_in_url("/library?status=expired&q=core sw");
        assert_eq!(
            url,
            "/login?next=/library%3Fstatus%3Dexpired%26q%3Dcore%20sw"
        );
    }

    #[test]
    fn after_sign_in_the_page_asked_for_else_home() {
        let da = person(false, Some("da"));
        assert_eq!(
            after_sign_in(Some("/library?status=expired"), &da),
            "/library?status=expired"
        );
        assert_eq!(after_sign_in(None, &da), "/");
        assert_eq!(after_sign_in(None, &person(true, None)), "/agents");
        assert_eq!(after_sign_in(None, &person(false, None)), "/onboarding");
        for hostile in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "/login?next=/login",
            "/library\n",
            "",
        ] {
            assert_eq!(after_sign_in(Some(hostile), &da), "/", "{hostile:?}");
        }
    }

    #[test]
    fn whoever_must_set_up_two_step_sign_in_goes_to_the_profile_first() {
        let mut agent = person(true, None);
        agent.second_factor_setup = true;
        assert_eq!(after_sign_in(Some("/library"), &agent), "/profile");
        assert_eq!(after_sign_in(None, &agent), "/profile");
    }
}
