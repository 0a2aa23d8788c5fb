//! The rules of a company's access, as plain functions over its members: who may do what, that a
//! company always keeps a Delegated Administrator, and the DAs' order (the first receives access
//! requests).

use super::AccessError;
pub use crate::accounts::Role;

/// A member as the rules need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub account_id: i64,
    pub role: Role,
    /// The place among the DAs (1 first); `None` for others.
    pub da_position: Option<i64>,
}

/// The company's DAs, first to last (ties, which the rules never make, by account).
pub fn da_order(members: &[Member]) -> Vec<i64> {
    let mut das: Vec<&Member> = members.iter().filter(|m| m.role == Role::Da).collect();
    das.sort_by_key(|m| (m.da_position.unwrap_or(i64::MAX), m.account_id));
    das.into_iter().map(|m| m.account_id).collect()
}

/// What a change does: the target's new role (`None`: no longer a member) and the DAs' new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub role: Option<Role>,
    pub da_order: Vec<i64>,
}

fn target(members: &[Member], account_id: i64) -> Result<&Member, AccessError> {
    members
        .iter()
        .find(|m| m.account_id == account_id)
        .ok_or(AccessError::NotFound)
}

/// The DAs' order once `member` is no longer a DA (as it was if they are not one). The company's
/// last DA cannot stop being one.
fn order_without(members: &[Member], member: &Member) -> Result<Vec<i64>, AccessError> {
    let mut order = da_order(members);
    if member.role == Role::Da {
        if order.len() == 1 {
            return Err(AccessError::LastDa);
        }
        order.retain(|id| *id != member.account_id);
    }
    Ok(order)
}

/// Gives `account_id` the role `role`. A new DA goes last; a DA who is no longer one leaves the
/// order. The last DA cannot stop being one.
pub fn change_role(
    members: &[Member],
    account_id: i64,
    role: Role,
) -> Result<Outcome, AccessError> {
    let member = target(members, account_id)?;
    if member.role == role {
        return Err(AccessError::Unchanged);
    }
    let mut order = order_without(members, member)?;
    if role == Role::Da {
        order.push(account_id);
    }
    Ok(Outcome {
        role: Some(role),
        da_order: order,
    })
}

/// Ends `account_id`'s membership. The last DA cannot leave.
pub fn revoke(members: &[Member], account_id: i64) -> Result<Outcome, AccessError> {
    let member = target(members, account_id)?;
    Ok(Outcome {
        role: None,
        da_order: order_without(members, member)?,
    })
}

/// Moves DA `account_id` to `position` (1 first; past the end means last).
pub fn move_da(
    members: &[Member],
    account_id: i64,
    position: usize,
) -> Result<Outcome, AccessError> {
    let member = target(members, account_id)?;
    if member.role != Role::Da {
        return Err(AccessError::NotADa);
    }
    let mut order = da_order(members);
    let from = order
        .iter()
        .position(|id| *id == account_id)
        .ok_or(AccessError::NotADa)?;
    let to = position.clamp(1, order.len()) - 1;
    if from == to {
        return Err(AccessError::Unchanged);
    }
    let moved = order.remove(from);
    order.insert(to, moved);
    Ok(Outcome {
        role: Some(Role::Da),
        da_order: order,
    })
}

/// Where a contract stands on `today`: `active`, `expiring` (ends by `expiring_until`),
/// `future` (starts later) or `expired`. Dates are `YYYY-MM-DD`, which compare as text.
pub fn contract_standing(
    start: &str,
    end: &str,
    today: &str,
    expiring_until: &str,
) -> &'static str {
    if end < today {
        "expired"
    } else if start > today {
        "future"
    } else if end <= expiring_until {
        "expiring"
    } else {
        "active"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(account_id: i64, role: Role, da_position: Option<i64>) -> Member {
        Member {
            account_id,
            role,
            da_position,
        }
    }

    fn company() -> Vec<Member> {
        vec![
            member(1, Role::Da, Some(2)),
            member(2, Role::Da, Some(1)),
            member(3, Role::Admin, None),
            member(4, Role::User, None),
        ]
    }

    #[test]
    fn das_are_in_their_order() {
        assert_eq!(da_order(&company()), vec![2, 1]);
    }

    #[test]
    fn a_new_da_goes_last_and_a_former_da_leaves_the_order() {
        let promoted = change_role(&company(), 4, Role::Da).unwrap();
        assert_eq!(promoted.da_order, vec![2, 1, 4]);
        let demoted = change_role(&company(), 2, Role::Admin).unwrap();
        assert_eq!(
            demoted,
            Outcome {
                role: Some(Role::Admin),
                da_order: vec![1]
            }
        );
        let admin = change_role(&company(), 4, Role::Admin).unwrap();
        assert_eq!(admin.da_order, vec![2, 1], "the DAs are untouched");
    }

    #[test]
    fn the_last_da_can_neither_be_demoted_nor_removed() {
        let alone = vec![member(1, Role::Da, Some(1)), member(4, Role::User, None)];
        assert_eq!(change_role(&alone, 1, Role::User), Err(AccessError::LastDa));
        assert_eq!(revoke(&alone, 1), Err(AccessError::LastDa));
        assert_eq!(revoke(&alone, 4).unwrap().role, None);
        // With a second DA, either may go.
        assert_eq!(revoke(&company(), 2).unwrap().da_order, vec![1]);
    }

    #[test]
    fn only_members_of_the_company_are_found() {
        assert_eq!(
            change_role(&company(), 99, Role::User),
            Err(AccessError::NotFound)
        );
        assert_eq!(revoke(&company(), 99), Err(AccessError::NotFound));
        assert_eq!(move_da(&company(), 99, 1), Err(AccessError::NotFound));
    }

    #[test]
    fn same_role_is_no_change() {
        assert_eq!(
            change_role(&company(), 3, Role::Admin),
            Err(AccessError::Unchanged)
        );
    }

    #[test]
    fn das_move_within_the_order() {
        let first = move_da(&company(), 1, 1).unwrap();
        assert_eq!(first.da_order, vec![1, 2]);
        assert_eq!(
            move_da(&company(), 2, 9).unwrap().da_order,
            vec![1, 2],
            "past the end is last"
        );
        assert_eq!(move_da(&company(), 2, 1), Err(AccessError::Unchanged));
        assert_eq!(move_da(&company(), 3, 1), Err(AccessError::NotADa));
    }

    #[test]
    fn contracts_stand_by_their_dates() {
        let standing = |start, end| contract_standing(start, end, "2026-11-24", "2027-02-22");
        assert_eq!(standing("2020-01-01", "2026-11-23"), "expired");
        assert_eq!(
            standing("2020-01-01", "2026-11-24"),
            "expiring",
            "its last day"
        );
        assert_eq!(standing("2020-01-01", "2027-02-22"), "expiring");
        assert_eq!(standing("2020-01-01", "2027-02-23"), "active");
        assert_eq!(standing("2026-11-25", "2030-01-01"), "future");
    }

    #[test]
    fn roles_read_and_print_the_same() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
        assert!(Role::Da.manages() && Role::Admin.manages() && !Role::User.manages());
    }
}
