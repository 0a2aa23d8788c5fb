//! The browser app is built as a few bundles, one per area, so that a browser downloads only the
//! area it opens (the first download is budgeted at 350 KB gzipped; one bundle for everything had
//! grown to ~500 KB). Every bundle has the same shell; a link into another area loads that area's
//! page in full. The server picks the bundle's page for each path from the same table.

/// An area of the app, built as its own wasm bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// The home page: the landing page for visitors and the dashboard for members. What nearly
    /// everyone opens first, so it carries nothing else (its page downloads 241 KB brotli; inside
    /// the Library's bundle it was 408).
    Home,
    /// The Library (devices, contracts, alerts): what members read every day. Also the bundle for
    /// paths no area claims (its router shows "page not found"). Uploads moved out of it to the
    /// admin bundle: they were 44 KB brotli of its 352, downloaded by every Library visit.
    Portal,
    /// Creating an account, signing in, passwords, the profile, and onboarding.
    Accounts,
    /// What a company's people send and manage: uploads (any member), and the collectors and
    /// access that its Delegated Administrators and Administrators manage.
    Admin,
    /// The vendor agents' console.
    Agents,
}

impl Bundle {
    pub const ALL: [Bundle; 5] = [
        Bundle::Home,
        Bundle::Portal,
        Bundle::Accounts,
        Bundle::Admin,
        Bundle::Agents,
    ];

    /// The paths each bundle's router serves. Keep in step with the `<Route>`s in `ui::app`.
    pub fn paths(self) -> &'static [&'static str] {
        match self {
            Bundle::Home => &["/"],
            Bundle::Portal => &["/library", "/library/contracts", "/library/alerts"],
            Bundle::Accounts => &[
                "/register",
                "/login",
                "/verify-email",
                "/forgot-password",
                "/reset-password",
                "/profile",
                "/confirm-identity",
                "/onboarding",
                "/onboarding/verify",
            ],
            Bundle::Admin => &[
                "/uploads",
                "/access",
                "/access/requests",
                "/access/security-log",
                "/collectors",
            ],
            Bundle::Agents => &["/agents"],
        }
    }

    /// The bundle whose router serves `path` (query and fragment excluded; a trailing slash is
    /// ignored). Unknown paths go to the portal, whose router answers "page not found".
    pub fn of(path: &str) -> Bundle {
        let trimmed = path.trim_end_matches('/');
        let path = if trimmed.is_empty() { "/" } else { trimmed };
        Bundle::ALL
            .into_iter()
            .find(|bundle| bundle.paths().contains(&path))
            .unwrap_or(Bundle::Portal)
    }

    /// The HTML page that starts the bundle, in the built site's folder.
    pub fn page(self) -> &'static str {
        match self {
            Bundle::Home => "home.html",
            Bundle::Portal => "index.html",
            Bundle::Accounts => "accounts.html",
            Bundle::Admin => "admin.html",
            Bundle::Agents => "agents.html",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_belongs_to_exactly_one_bundle() {
        for bundle in Bundle::ALL {
            for path in bundle.paths() {
                assert_eq!(Bundle::of(path), bundle, "{path}");
                let owners = Bundle::ALL
                    .iter()
                    .filter(|b| b.paths().contains(path))
                    .count();
                assert_eq!(owners, 1, "{path} is claimed by {owners} bundles");
            }
        }
    }

    #[test]
    fn trailing_slashes_and_unknown_paths() {
        assert_eq!(Bundle::of("/access/"), Bundle::Admin);
        assert_eq!(Bundle::of(""), Bundle::Home);
        assert_eq!(Bundle::of("/library/devices/42"), Bundle::Portal);
        assert_eq!(Bundle::of("/no-such-page"), Bundle::Portal);
        assert_eq!(Bundle::of("/agents/extra"), Bundle::Portal);
    }

    #[test]
    fn pages_are_distinct() {
        for (i, a) in Bundle::ALL.iter().enumerate() {
            for b in &Bundle::ALL[i + 1..] {
                assert_ne!(a.page(), b.page());
            }
        }
    }
}
