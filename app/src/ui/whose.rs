//! Whose data a page shows, as its sentences say it: "your" to the company's own people, the
//! company's name to a vendor agent reading it under its support access (it is not theirs).

use crate::{
    accounts::{Membership, Role},
    contexts::session::use_session,
};

/// `your`, or `Nordhavn's` for an agent under the company's support access.
pub fn whose() -> String {
    possessive(
        use_session()
            .user()
            .and_then(|user| user.membership)
            .as_ref(),
    )
}

/// Whether the signed-in person reads the company under support access (reads only).
pub fn under_support() -> bool {
    use_session()
        .user()
        .and_then(|user| user.membership)
        .is_some_and(|m| m.role == Role::Support)
}

pub fn possessive(membership: Option<&Membership>) -> String {
    match membership {
        Some(m) if m.role == Role::Support => format!("{}'s", m.company_name),
        _ => "your".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> Membership {
        Membership {
            company_id: "NW-1001".into(),
            company_name: "Northwind".into(),
            role,
            support_until: None,
        }
    }

    #[test]
    fn members_read_their_own_and_agents_the_companys() {
        assert_eq!(possessive(Some(&member(Role::User))), "your");
        assert_eq!(possessive(Some(&member(Role::Da))), "your");
        assert_eq!(possessive(None), "your");
        assert_eq!(possessive(Some(&member(Role::Support))), "Northwind's");
    }
}
