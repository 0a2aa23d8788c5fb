//! The organisation entries a new company's first DA chooses from: the whole organisation first,
//! then its sites. When the registry already has an entry for the whole organisation (a "site"
//! named for the company itself, such as "Contoso (all sites)"), that entry stands for it, under the
//! registry's name, instead of a second, made-up "(whole organisation)" line.

use super::wizard::OrgEntry;

/// A registry site: (id, name, address).
pub type SiteRow = (String, String, String);

/// The entries to offer, whole organisation first (its id is the company's: choosing it scopes the
/// DA to the whole company), then every other site by the order given.
pub fn organisation_entries(
    company_id: &str,
    company_name: &str,
    sites: Vec<SiteRow>,
) -> Vec<OrgEntry> {
    let whole = sites
        .iter()
        .position(|(id, name, _)| names_whole_organisation(company_id, company_name, id, name));
    let mut sites = sites;
    let first = match whole {
        Some(at) => {
            let (_, name, address) = sites.remove(at);
            OrgEntry {
                id: company_id.to_owned(),
                name,
                address,
            }
        }
        None => OrgEntry {
            id: company_id.to_owned(),
            name: format!("{company_name} (whole organisation)"),
            address: String::new(),
        },
    };
    std::iter::once(first)
        .chain(
            sites
                .into_iter()
                .map(|(id, name, address)| OrgEntry { id, name, address }),
        )
        .collect()
}

/// Words a registry puts after the company's name for an entry that covers all of it.
const WHOLE: [&str; 9] = [
    "all sites",
    "all locations",
    "whole organisation",
    "whole organization",
    "entire organisation",
    "entire organization",
    "whole company",
    "global",
    "worldwide",
];

/// Whether a registry site is the whole organisation: its id is the company's, or its name is the
/// company's, alone or followed by words such as "(all sites)" or "- global".
fn names_whole_organisation(
    company_id: &str,
    company_name: &str,
    site_id: &str,
    site_name: &str,
) -> bool {
    if site_id.trim().eq_ignore_ascii_case(company_id.trim()) {
        return true;
    }
    let company = simplified(company_name);
    let site = simplified(site_name);
    match site.strip_prefix(&company) {
        Some("") => true,
        Some(rest) if rest.starts_with(' ') => WHOLE.contains(&rest.trim()),
        _ => false,
    }
}

/// Lower case, punctuation as spaces, single spaces.
fn simplified(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(id: &str, name: &str) -> SiteRow {
        (id.to_owned(), name.to_owned(), format!("{name} street"))
    }

    fn names(entries: &[OrgEntry]) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|e| (e.id.as_str(), e.name.as_str()))
            .collect()
    }

    #[test]
    fn without_a_whole_organisation_entry_one_is_made_first() {
        let entries = organisation_entries(
            "CT",
            "Contoso",
            vec![site("CT-HAM", "Hamburg"), site("CT-RTM", "Rotterdam")],
        );
        assert_eq!(
            names(&entries),
            [
                ("CT", "Contoso (whole organisation)"),
                ("CT-HAM", "Hamburg"),
                ("CT-RTM", "Rotterdam")
            ]
        );
    }

    #[test]
    fn the_registry_entry_for_the_whole_organisation_stands_for_it_once() {
        let entries = organisation_entries(
            "CT",
            "Contoso Ltd.",
            vec![
                site("CT-HAM", "Hamburg"),
                site("CT-ALL", "Contoso Ltd (all sites)"),
                site("CT-RTM", "Rotterdam"),
            ],
        );
        assert_eq!(
            names(&entries),
            [
                ("CT", "Contoso Ltd (all sites)"),
                ("CT-HAM", "Hamburg"),
                ("CT-RTM", "Rotterdam")
            ]
        );
        assert_eq!(entries[0].address, "Contoso Ltd (all sites) street");
    }

    #[test]
    fn whole_organisation_is_told_by_name_or_id_not_by_a_shared_prefix() {
        let whole = |id: &str, name: &str| names_whole_organisation("CT", "Contoso", id, name);
        assert!(whole("X", "CONTOSO"));
        assert!(whole("X", "Contoso - Global"));
        assert!(whole("X", "Contoso (whole organization)"));
        assert!(whole("ct", "Head office"));
        assert!(!whole("X", "Contoso Hamburg"));
        assert!(!whole("X", "Contosonic (all sites)"));
        assert!(!whole("X", "Hamburg (all sites)"));
    }
}
