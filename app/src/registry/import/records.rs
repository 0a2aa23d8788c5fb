//! What each registry file's rows must say, as plain rules over one row at a time. A rule set
//! also remembers what it has seen, to refuse duplicates and references to unknown rows.

use std::{
    collections::{hash_map::Entry, HashMap, HashSet},
    hash::{DefaultHasher, Hash, Hasher},
};

use super::{
    fields::{self, MAX_ID, MAX_TEXT},
    table::Row,
    RowError,
};
use crate::coverage::normalise::{mac_key, pid_key, serial_key};

/// Checks one row and turns it into a record.
pub trait RowRules {
    type Record: Send + 'static;
    fn check(&mut self, row: &Row<'_>) -> Result<Self::Record, RowError>;
}

/// Runs a field rule, naming the column in its error.
pub(super) fn field<T>(
    row: &Row<'_>,
    column: &'static str,
    rule: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, RowError> {
    rule(row.get(column)).map_err(|reason| row.error(column, reason))
}

/// Refuses a second row with the same key, naming the line where the key first appeared.
pub(super) fn first_time<K: Eq + Hash>(
    seen: &mut HashMap<K, u64>,
    key: K,
    row: &Row<'_>,
    column: &'static str,
    what: &str,
) -> Result<(), RowError> {
    match seen.entry(key) {
        Entry::Occupied(first) => Err(row.error(
            column,
            format!("duplicate {what}: already on line {}", first.get()),
        )),
        Entry::Vacant(slot) => {
            slot.insert(row.line);
            Ok(())
        }
    }
}

/// An alert's `first_published` and `last_updated` dates, the second not before the first.
pub(super) fn publication_dates(row: &Row<'_>) -> Result<(String, String), RowError> {
    let first = field(row, "first_published", fields::date)?;
    let last = field(row, "last_updated", fields::date)?;
    if last < first {
        return Err(row.error(
            "last_updated",
            format!(
                "last_updated {} is before first_published {}",
                fields::date_text(last),
                fields::date_text(first)
            ),
        ));
    }
    Ok((fields::date_text(first), fields::date_text(last)))
}

fn dates(row: &Row<'_>) -> Result<(String, String), RowError> {
    let start = field(row, "start_date", fields::date)?;
    let end = field(row, "end_date", fields::date)?;
    if end < start {
        return Err(row.error(
            "end_date",
            format!(
                "end date {} is before start date {}",
                fields::date_text(end),
                fields::date_text(start)
            ),
        ));
    }
    Ok((fields::date_text(start), fields::date_text(end)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    pub id: String,
    pub name: String,
    pub email_domains: Vec<String>,
    pub requires_assessment: bool,
}

#[derive(Default)]
pub struct CompanyRules {
    seen: HashMap<String, u64>,
}

impl RowRules for CompanyRules {
    type Record = CompanyRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<CompanyRecord, RowError> {
        let id = field(row, "company_id", |v| fields::required(v, MAX_ID))?;
        first_time(&mut self.seen, id.clone(), row, "company_id", "company id")?;
        Ok(CompanyRecord {
            id,
            name: field(row, "name", |v| fields::required(v, MAX_TEXT))?,
            email_domains: field(row, "email_domains", fields::domains)?,
            requires_assessment: field(row, "requires_assessment", fields::boolean)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRecord {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub address: String,
}

pub struct SiteRules {
    companies: HashSet<String>,
    seen: HashMap<String, u64>,
}

impl SiteRules {
    pub fn new(companies: HashSet<String>) -> Self {
        Self {
            companies,
            seen: HashMap::new(),
        }
    }
}

impl RowRules for SiteRules {
    type Record = SiteRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<SiteRecord, RowError> {
        let id = field(row, "site_id", |v| fields::required(v, MAX_ID))?;
        first_time(&mut self.seen, id.clone(), row, "site_id", "site id")?;
        let company_id = field(row, "company_id", |v| fields::required(v, MAX_ID))?;
        if !self.companies.contains(&company_id) {
            return Err(row.error("company_id", format!("unknown company `{company_id}`")));
        }
        Ok(SiteRecord {
            id,
            company_id,
            name: field(row, "name", |v| fields::required(v, MAX_TEXT))?,
            address: field(row, "address", |v| fields::optional(v, MAX_TEXT))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRecord {
    pub contract_number: String,
    pub company_id: String,
    pub site_id: Option<String>,
    pub service_level: String,
    pub smart_entitled: bool,
    pub start_date: String,
    pub end_date: String,
    pub flagged_for_review: bool,
}

pub struct ContractRules {
    companies: HashSet<String>,
    site_companies: HashMap<String, String>,
    seen: HashMap<String, u64>,
}

impl ContractRules {
    /// `site_companies` maps every known site to the company it belongs to.
    pub fn new(companies: HashSet<String>, site_companies: HashMap<String, String>) -> Self {
        Self {
            companies,
            site_companies,
            seen: HashMap::new(),
        }
    }
}

impl RowRules for ContractRules {
    type Record = ContractRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<ContractRecord, RowError> {
        let contract_number = field(row, "contract_number", |v| fields::required(v, MAX_ID))?;
        first_time(
            &mut self.seen,
            contract_number.clone(),
            row,
            "contract_number",
            "contract number",
        )?;
        let company_id = field(row, "company_id", |v| fields::required(v, MAX_ID))?;
        if !self.companies.contains(&company_id) {
            return Err(row.error("company_id", format!("unknown company `{company_id}`")));
        }
        let site_id = field(row, "site_id", |v| fields::optional(v, MAX_ID))?;
        let site_id = if site_id.is_empty() {
            None
        } else {
            match self.site_companies.get(&site_id) {
                None => return Err(row.error("site_id", format!("unknown site `{site_id}`"))),
                Some(owner) if *owner != company_id => {
                    return Err(row.error(
                        "site_id",
                        format!(
                            "site `{site_id}` belongs to company `{owner}`, not `{company_id}`"
                        ),
                    ))
                }
                Some(_) => Some(site_id),
            }
        };
        let service_level = field(row, "service_level", |v| fields::required(v, MAX_ID))?;
        let smart_entitled = field(row, "smart_entitled", fields::boolean)?;
        let (start_date, end_date) = dates(row)?;
        let flagged_for_review = field(row, "flagged_for_review", fields::boolean)?;
        Ok(ContractRecord {
            contract_number,
            company_id,
            site_id,
            service_level,
            smart_entitled,
            start_date,
            end_date,
            flagged_for_review,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    pub contract_number: String,
    pub serial_number: String,
    pub product_id: String,
    pub mac_address: Option<String>,
    pub serial_key: String,
    pub pid_key: String,
    pub mac_key: String,
    pub start_date: String,
    pub end_date: String,
}

pub struct LineRules {
    contracts: HashSet<String>,
    /// A 128-bit digest of each line's identity, so a million lines are checked in little memory.
    seen: HashMap<u128, u64>,
}

impl LineRules {
    pub fn new(contracts: HashSet<String>) -> Self {
        Self {
            contracts,
            seen: HashMap::new(),
        }
    }
}

fn identity_digest(parts: &[&str]) -> u128 {
    let mut low = DefaultHasher::new();
    let mut high = DefaultHasher::new();
    "netcare-line-identity".hash(&mut high);
    for part in parts {
        part.hash(&mut low);
        part.hash(&mut high);
    }
    (u128::from(high.finish()) << 64) | u128::from(low.finish())
}

impl RowRules for LineRules {
    type Record = LineRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<LineRecord, RowError> {
        let contract_number = field(row, "contract_number", |v| fields::required(v, MAX_ID))?;
        if !self.contracts.contains(&contract_number) {
            return Err(row.error(
                "contract_number",
                format!("unknown contract `{contract_number}`"),
            ));
        }
        let serial_number = field(row, "serial_number", |v| fields::optional(v, MAX_ID))?;
        let product_id = field(row, "product_id", |v| fields::required(v, MAX_ID))?;
        let mac_text = field(row, "mac_address", |v| fields::optional(v, MAX_ID))?;
        let (mac_address, mac) = if mac_text.is_empty() {
            (None, String::new())
        } else {
            let key = mac_key(&mac_text).ok_or_else(|| {
                row.error("mac_address", format!("`{mac_text}` is not a MAC address"))
            })?;
            (Some(mac_text), key)
        };
        let serial = serial_key(&serial_number);
        if serial.is_empty() && mac.is_empty() {
            return Err(row.error(
                "serial_number",
                "a serial number is required (or a MAC address, for phones)",
            ));
        }
        let pid = pid_key(&product_id);
        if pid.is_empty() {
            return Err(row.error("product_id", "a product ID is required"));
        }
        let (start_date, end_date) = dates(row)?;
        let identity = identity_digest(&[&contract_number, &serial, &pid, &mac]);
        first_time(
            &mut self.seen,
            identity,
            row,
            "serial_number",
            "line (same contract, serial number, product ID and MAC)",
        )?;
        Ok(LineRecord {
            contract_number,
            serial_number,
            product_id,
            mac_address,
            serial_key: serial,
            pid_key: pid,
            mac_key: mac,
            start_date,
            end_date,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationRecord {
    pub contract_number: String,
    pub email: String,
}

pub struct AssociationRules {
    contracts: HashSet<String>,
}

impl AssociationRules {
    pub fn new(contracts: HashSet<String>) -> Self {
        Self { contracts }
    }
}

impl RowRules for AssociationRules {
    type Record = AssociationRecord;
    fn check(&mut self, row: &Row<'_>) -> Result<AssociationRecord, RowError> {
        let contract_number = field(row, "contract_number", |v| fields::required(v, MAX_ID))?;
        if !self.contracts.contains(&contract_number) {
            return Err(row.error(
                "contract_number",
                format!("unknown contract `{contract_number}`"),
            ));
        }
        let email = field(row, "email", fields::email)?;
        Ok(AssociationRecord {
            contract_number,
            email,
        })
    }
}
