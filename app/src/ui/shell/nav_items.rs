//! Which pages the main navigation offers, by who is signed in: a pure rule, tested below.

use crate::accounts::CurrentUser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub label: String,
    pub href: &'static str,
}

fn item(label: &str, href: &'static str) -> NavItem {
    NavItem {
        label: label.to_owned(),
        href,
    }
}

/// The main navigation for `user` (`None`: nobody signed in). Account links (profile, sign out,
/// sign in) are not part of it.
pub fn nav_items(user: Option<&CurrentUser>) -> Vec<NavItem> {
    let Some(user) = user else {
        return vec![item("Home", "/")];
    };
    let mut items = Vec::new();
    if user.is_agent {
        items.push(item("Agents' console", "/agents"));
        // An agent sees a company's dashboard and Library only while it has granted support access.
        if let Some(supported) = &user.membership {
            let company = &supported.company_name;
            items.push(item(&format!("Dashboard of {company}"), "/"));
            items.push(item(&format!("Library of {company}"), "/library"));
        }
        return items;
    }
    let Some(membership) = &user.membership else {
        return vec![item("Home", "/"), item("Registration", "/onboarding")];
    };
    items.push(item("Dashboard", "/"));
    items.push(item("Library", "/library"));
    items.push(item("Contracts", "/library/contracts"));
    items.push(item("Alerts", "/library/alerts"));
    items.push(item("Uploads", "/uploads"));
    if membership.role.manages() {
        items.push(item("Collectors", "/collectors"));
        items.push(item("Access", "/access"));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Membership;

    fn user(is_agent: bool, role: Option<&str>) -> CurrentUser {
        CurrentUser {
            id: 1,
            username: "ann".into(),
            full_name: "Ann Lee".into(),
            email: "ann@example.com".into(),
            email_verified: true,
            is_agent,
            membership: role.map(|role| Membership {
                company_id: "c1".into(),
                company_name: "Acme".into(),
                role: crate::accounts::Role::parse(role).unwrap_or(crate::accounts::Role::Support),
                support_until: None,
            }),
            second_factor_setup: false,
        }
    }

    fn hrefs(user: Option<&CurrentUser>) -> Vec<&'static str> {
        nav_items(user).into_iter().map(|i| i.href).collect()
    }

    #[test]
    fn by_role() {
        assert_eq!(hrefs(None), ["/"]);
        assert_eq!(hrefs(Some(&user(false, None))), ["/", "/onboarding"]);
        let member = [
            "/",
            "/library",
            "/library/contracts",
            "/library/alerts",
            "/uploads",
        ];
        assert_eq!(hrefs(Some(&user(false, Some("user")))), member);
        let manager = [&member[..], &["/collectors", "/access"]].concat();
        assert_eq!(hrefs(Some(&user(false, Some("admin")))), manager);
        assert_eq!(hrefs(Some(&user(false, Some("da")))), manager);
    }

    #[test]
    fn agents_see_the_console_and_a_supported_library() {
        assert_eq!(hrefs(Some(&user(true, None))), ["/agents"]);
        let supported = nav_items(Some(&user(true, Some("support"))));
        assert_eq!(supported[1].label, "Dashboard of Acme");
        assert_eq!(supported[1].href, "/");
        assert_eq!(supported[2].label, "Library of Acme");
        assert_eq!(supported[2].href, "/library");
    }
}
