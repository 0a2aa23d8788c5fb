//! The account rules, as plain functions shared by the browser (instant feedback) and the server
//! (the authority). Each returns the message a person can act on.

use super::free_mail::is_free_mail;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A username: 3 to 40 characters, letters, digits, `.`, `_` and `-`, starting with a letter or
/// digit. Matched without regard to case.
pub fn check_username(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let count = name.chars().count();
    if !(3..=40).contains(&count) {
        return Err("A username has 3 to 40 characters.".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("A username may contain only letters, digits, '.', '_' and '-'.".into());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("A username starts with a letter or a digit.".into());
    }
    Ok(name.to_owned())
}

/// The key usernames are unique on.
pub fn username_key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

pub fn check_full_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter your full name.".into());
    }
    if name.chars().count() > 200 {
        return Err("A name has at most 200 characters.".into());
    }
    if name.chars().any(char::is_control) {
        return Err("A name cannot contain control characters.".into());
    }
    if looks_like_a_link(name) {
        return Err(
            "A name cannot contain a web address: it is shown in emails to other people.".into(),
        );
    }
    Ok(name.to_owned())
}

/// Top-level domains a mail client turns into a link without a scheme (the common ones, and the
/// ones phishing favours).
const LINKED_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "io", "co", "me", "ru", "cn", "xyz", "top", "link",
    "click", "online", "site", "app", "dev", "ly", "gl", "tk", "ml", "ga", "cf", "gq", "shop",
    "live", "us", "uk", "de", "fr", "eu", "ws", "cc", "tv",
];

/// Whether a name holds something a mail client would show as a link: a scheme, `www.`, or a
/// `host.tld` with a well-known top-level domain. `St.John` or `J.R.R.` are names.
fn looks_like_a_link(name: &str) -> bool {
    let lower = name.to_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return true;
    }
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .any(|word| {
            let mut parts = word.trim_end_matches('.').rsplitn(2, '.');
            match (parts.next(), parts.next()) {
                (Some(tld), Some(host)) => !host.is_empty() && LINKED_TLDS.contains(&tld),
                _ => false,
            }
        })
}

/// Length only: no composition rules. The server also refuses common and guessable passwords.
pub fn check_password_length(password: &str) -> Result<(), String> {
    let count = password.chars().count();
    if count < PASSWORD_MIN_CHARS {
        return Err(format!("Use at least {PASSWORD_MIN_CHARS} characters. A few unrelated words make a good password."));
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(format!("Use at most {PASSWORD_MAX_CHARS} characters."));
    }
    Ok(())
}

/// Why an address cannot be an account's email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailProblem {
    Malformed,
    Personal { domain: String },
}

impl EmailProblem {
    pub fn message(&self) -> String {
        match self {
            EmailProblem::Malformed => "Enter an email address like name@company.com.".into(),
            EmailProblem::Personal { domain } => format!(
                "{domain} is a personal email provider. Use your business email address: it is how NetCare \
                 knows which company you work for."
            ),
        }
    }
}

/// A business email address in its canonical form (lower case, ASCII domain, no trailing dot).
pub fn check_business_email(raw: &str) -> Result<String, EmailProblem> {
    let email = check_email_shape(raw)?;
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if is_free_mail(domain) {
        return Err(EmailProblem::Personal {
            domain: domain.to_owned(),
        });
    }
    Ok(email)
}

/// Any well-formed address, canonicalised (used where personal addresses are allowed, e.g. login).
pub fn check_email_shape(raw: &str) -> Result<String, EmailProblem> {
    let text = raw.trim();
    let (local, domain) = text.split_once('@').ok_or(EmailProblem::Malformed)?;
    if local.is_empty()
        || local.chars().count() > 64
        || domain.contains('@')
        || local.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '[' | ']' | '\\'
                )
        })
    {
        return Err(EmailProblem::Malformed);
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let domain = ascii_domain(domain).ok_or(EmailProblem::Malformed)?;
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_labels = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !valid_labels || domain.len() > 253 {
        return Err(EmailProblem::Malformed);
    }
    Ok(format!("{}@{domain}", local.to_lowercase()))
}

/// The domain in ASCII: on the server, full IDNA processing (so `ＧＭＡＩＬ.com` is `gmail.com` and
/// `bücher.example` is `xn--bcher-kva.example`); in the browser, where the server checks again,
/// ASCII lower-casing only.
#[cfg(feature = "ssr")]
fn ascii_domain(domain: &str) -> Option<String> {
    idna::domain_to_ascii(domain).ok().filter(|d| !d.is_empty())
}

#[cfg(not(feature = "ssr"))]
fn ascii_domain(domain: &str) -> Option<String> {
    domain.is_ascii().then(|| domain.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_providers_are_refused_with_the_reason() {
        for email in [
            "ann@gmail.com",
            "ann@Yahoo.com",
            "ann@outlook.com",
            "ann@hotmail.co.uk",
            "ann@GMAIL.COM.",
        ] {
            let problem = check_business_email(email).unwrap_err();
            assert!(matches!(problem, EmailProblem::Personal { .. }), "{email}");
            assert!(
                problem.message().contains("personal email provider"),
                "{email}"
            );
        }
    }

    #[test]
    fn business_addresses_are_canonical() {
        assert_eq!(
            check_business_email(" Ann.Lee@Corp.Example ").unwrap(),
            "ann.lee@corp.example"
        );
        assert_eq!(
            check_business_email("user@corp.example.").unwrap(),
            "user@corp.example"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for email in [
            "ann",
            "ann@@corp.example",
            "a@b@corp.example",
            "@corp.example",
            "ann@corp",
            "ann lee@corp.example",
            "ann@corp..example",
            "ann@-corp.example",
        ] {
            assert_eq!(
                check_business_email(email),
                Err(EmailProblem::Malformed),
                "{email}"
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn internationalised_domains_are_normalised() {
        // Full-width letters are the same domain as ASCII ones.
        assert!(matches!(
            check_business_email("ann@ｇｍａｉｌ.com"),
            Err(EmailProblem::Personal { .. })
        ));
        assert_eq!(
            check_business_email("ann@Bücher.example").unwrap(),
            "ann@xn--bcher-kva.example"
        );
        assert!(check_business_email("ann@xn--gmil-6na.com").is_ok());
    }

    #[test]
    fn usernames() {
        assert_eq!(check_username(" Dana.Admin ").unwrap(), "Dana.Admin");
        assert_eq!(username_key("Dana.Admin"), "dana.admin");
        assert!(check_username("ab").is_err());
        assert!(check_username("dana admin").is_err());
        assert!(check_username("-dana").is_err());
        assert!(check_username(&"a".repeat(41)).is_err());
    }

    #[test]
    fn passwords_have_length_rules_only() {
        assert!(check_password_length("short").is_err());
        assert!(check_password_length("all lowercase words ok").is_ok());
        assert!(check_password_length(&"x".repeat(1000)).is_err());
        assert!(check_password_length(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn names() {
        assert_eq!(check_full_name("  Dana Admin ").unwrap(), "Dana Admin");
        for name in [
            "Jean St.John",
            "J.R.R. Tolkien",
            "Ann Lee-Smith",
            "Zoë O'Brien",
            "Dr. Co",
        ] {
            assert!(check_full_name(name).is_ok(), "{name}");
        }
        for link in [
            "Ann http://evil.example",
            "Visit www.evil",
            "Ann evil.com",
            "Claim at BIT.LY/x",
            "net-care.support.io now",
        ] {
            let refused = check_full_name(link).unwrap_err();
            assert!(refused.contains("web address"), "{link}: {refused}");
        }
        assert!(check_full_name(" ").is_err());
        assert!(check_full_name("a\u{0}b").is_err());
    }
}
