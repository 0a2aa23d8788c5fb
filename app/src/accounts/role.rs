//! A person's role in their company: what they may do there.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Da,
    Admin,
    User,
    /// A vendor agent reading the company's data under its grant of support access: reads only.
    /// Never stored as a member's role, never granted.
    Support,
}

impl Role {
    /// The roles a company gives its people.
    pub const ALL: [Role; 3] = [Role::Da, Role::Admin, Role::User];

    /// A role a company gives (as stored and as chosen in a form); `support` is not one.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "da" => Some(Role::Da),
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Da => "da",
            Role::Admin => "admin",
            Role::User => "user",
            Role::Support => "support",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Da => "Delegated Administrator",
            Role::Admin => "Administrator",
            Role::User => "User",
            Role::Support => "Vendor support (read only)",
        }
    }

    /// DAs and Admins see the Access page and manage uploads and collector tokens.
    pub fn manages(self) -> bool {
        matches!(self, Role::Da | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn given_roles_read_back_and_support_is_never_parsed() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("support"), None);
        assert!(!Role::Support.manages());
        assert!(Role::Admin.manages() && Role::Da.manages() && !Role::User.manages());
    }
}
