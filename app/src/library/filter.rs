//! The Library's device filters, as the page's URL and the export links carry them, and the SQL
//! they become. Pure: the WHERE clause is built from a whitelist, values are always bound.

use serde::{Deserialize, Serialize};

use crate::{
    alerts::{
        advisories::exposed_sql,
        notices::{listing_affects_whatever_the_serial_sql, serial_range_devices_sql},
        AdvisoryState, EolStage, Severity,
    },
    coverage::{
        normalise::{pid_key, serial_key},
        ReasonCode, Status,
    },
};

/// Rows per Library page.
pub const PAGE_SIZE: u64 = 50;

/// What the person chose to see. `None` and empty strings mean "any".
/// Devices `d` running a release of a train `se` of the company `?` — followed by `AND` a
/// condition on `se` and `)`. The trains are matched over the company's (product, release)
/// groups (inside, `d` is a group: few rows), and devices found by their release index.
const COMPANY_TRAINS: &str = concat!(
    "(d.software_type, d.release_key) IN (SELECT d.software_type, d.release_key \
     FROM device_groups d JOIN software_eox se ON ",
    crate::train_match_sql!(),
    " WHERE d.company_id = ?"
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFilter {
    #[serde(default)]
    pub status: Option<Status>,
    /// Why not covered (implies `not_covered`).
    #[serde(default)]
    pub reason: Option<ReasonCode>,
    #[serde(default)]
    pub contract: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub pid: String,
    /// A part of a hostname, serial number, MAC address or product ID.
    #[serde(default)]
    pub search: String,
    /// Where the device stands in its hardware end of life.
    #[serde(default)]
    pub end_of_life: Option<EolStage>,
    /// Devices of the products an end-of-life bulletin lists.
    #[serde(default)]
    pub bulletin: String,
    /// Where the device stands against security advisories.
    #[serde(default)]
    pub advisory_state: Option<AdvisoryState>,
    /// Devices an advisory of this severity affects (vulnerable or potentially).
    #[serde(default)]
    pub advisory_severity: Option<Severity>,
    /// Devices one advisory affects, by its id.
    #[serde(default)]
    pub advisory: String,
    /// Devices one field notice affects, by its id.
    #[serde(default)]
    pub field_notice: String,
    /// Where the device's software release train stands in its end of life.
    #[serde(default)]
    pub software_end_of_life: Option<EolStage>,
    /// Only devices to renew: those whose coverage expired or is expiring.
    #[serde(default)]
    pub renewal: bool,
    /// Devices chosen one by one (their ids, comma-separated): empty is no choice, so every
    /// device the other filters match; anything else matches only the devices it names.
    #[serde(default)]
    pub ids: String,
    /// `serial` (default), `hostname`, `status`, `end_date` or `site`.
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub descending: bool,
}

pub const SORTS: [(&str, &str); 6] = [
    ("serial", "Serial number"),
    ("hostname", "Hostname"),
    ("status", "Status"),
    ("end_date", "Coverage end date"),
    ("site", "Site"),
    ("contract", "Contract number"),
];

impl DeviceFilter {
    /// The filter as a URL query string (for the page's address and the export links).
    pub fn to_query(&self, offset: u64) -> String {
        let mut pairs: Vec<(&str, String)> = [
            (
                "status",
                self.status.map(Status::as_str).unwrap_or_default(),
            ),
            (
                "reason",
                self.reason.map(ReasonCode::as_str).unwrap_or_default(),
            ),
            ("contract", self.contract.as_str()),
            ("site", self.site.as_str()),
            ("pid", self.pid.as_str()),
            ("search", self.search.as_str()),
            (
                "end_of_life",
                self.end_of_life.map(EolStage::as_str).unwrap_or_default(),
            ),
            ("bulletin", self.bulletin.as_str()),
            (
                "advisory_state",
                self.advisory_state
                    .map(AdvisoryState::as_str)
                    .unwrap_or_default(),
            ),
            (
                "advisory_severity",
                self.advisory_severity
                    .map(Severity::as_str)
                    .unwrap_or_default(),
            ),
            ("advisory", self.advisory.as_str()),
            ("field_notice", self.field_notice.as_str()),
            (
                "software_end_of_life",
                self.software_end_of_life
                    .map(EolStage::as_str)
                    .unwrap_or_default(),
            ),
            ("ids", self.ids.as_str()),
            ("sort", self.sort.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        if self.renewal {
            pairs.push(("renewal", "true".to_owned()));
        }
        if self.descending {
            pairs.push(("descending", "true".to_owned()));
        }
        if offset > 0 {
            pairs.push(("offset", offset.to_string()));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The filter a URL's query carries (`get` reads one parameter).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> (Self, u64) {
        let text = |key: &str| get(key).unwrap_or_default();
        let filter = DeviceFilter {
            status: Status::parse(&text("status")),
            reason: ReasonCode::parse(&text("reason")),
            contract: text("contract"),
            site: text("site"),
            pid: text("pid"),
            search: text("search"),
            end_of_life: EolStage::parse(&text("end_of_life")),
            bulletin: text("bulletin"),
            advisory_state: AdvisoryState::parse(&text("advisory_state")),
            advisory_severity: Severity::parse(&text("advisory_severity")),
            advisory: text("advisory"),
            field_notice: text("field_notice"),
            software_end_of_life: EolStage::parse(&text("software_end_of_life")),
            renewal: text("renewal") == "true",
            ids: text("ids"),
            sort: text("sort"),
            descending: text("descending") == "true",
        };
        (filter, text("offset").parse().unwrap_or(0))
    }
}

/// At most this many devices are chosen one by one (their ids travel in the address).
pub const MAX_SELECTED: usize = 500;

impl DeviceFilter {
    /// The devices chosen one by one, if any were: `None` when `ids` is empty. Words that are
    /// not a device id choose nothing, so a mangled choice never widens to every device.
    pub fn selected_ids(&self) -> Option<Vec<i64>> {
        if self.ids.trim().is_empty() {
            return None;
        }
        let mut ids: Vec<i64> = self
            .ids
            .split(',')
            .filter_map(|word| word.trim().parse().ok())
            .filter(|id| *id > 0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// Whether the search is all this filter asks (its order aside).
    pub fn only_searches(&self) -> bool {
        let mut rest = self.clone();
        rest.search.clear();
        rest.sort.clear();
        rest.descending = false;
        rest == DeviceFilter::default()
    }

    /// This filter with its search replaced by the devices it found, `found` (all of them):
    /// those of them the rest of the filter matches. A selection keeps only the found devices
    /// it holds.
    pub fn narrowed_to(&self, mut found: Vec<i64>) -> DeviceFilter {
        if let Some(selected) = self.selected_ids() {
            found.retain(|id| selected.binary_search(id).is_ok());
        }
        found.sort_unstable();
        let ids = if found.is_empty() {
            // Nothing found: a list of no valid id matches nothing.
            "none".to_owned()
        } else {
            found
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        DeviceFilter {
            search: String::new(),
            ids,
            ..self.clone()
        }
    }

    /// The filter that matches exactly `ids`, in this filter's order.
    pub fn only(&self, ids: impl IntoIterator<Item = i64>) -> DeviceFilter {
        DeviceFilter {
            ids: ids
                .into_iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(","),
            sort: self.sort.clone(),
            descending: self.descending,
            ..DeviceFilter::default()
        }
    }

    /// The order in force: a key of [`SORTS`] (an unknown or empty one is the serial number).
    pub fn sort_key(&self) -> &'static str {
        SORTS
            .iter()
            .map(|(key, _)| *key)
            .find(|key| *key == self.sort)
            .unwrap_or("serial")
    }

    /// This filter ordered by `key`: the other way round if it is already, else ascending.
    pub fn sorted_by(&self, key: &str) -> DeviceFilter {
        let same = self.sort_key() == key;
        DeviceFilter {
            sort: if key == "serial" {
                String::new()
            } else {
                key.to_owned()
            },
            descending: same && !self.descending,
            ..self.clone()
        }
    }
}

/// `text` as a URL query value: unreserved characters as they are, every other byte `%XX`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A WHERE clause over `devices d` and the values to bind, in order (the company's id first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSql {
    pub clause: String,
    pub binds: Vec<String>,
}

/// How a `LIKE` pattern marks its wildcards as plain characters (the same on both databases).
const ESCAPE: &str = "ESCAPE '\\'";

/// A `LIKE` pattern matching any text that contains `text`, whose own `%`, `_` and `\` are
/// plain characters.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// What a search matches: inside a hostname (any ASCII case), or inside the identity: serial
/// number or MAC address, then product ID (`S|serial|PID`, read past its kind).
fn search_texts(search: &str) -> (String, String) {
    (search.to_ascii_lowercase(), serial_key(search))
}

fn search_patterns(search: &str) -> (String, String) {
    let (in_hostname, in_identity) = search_texts(search);
    (
        contains_pattern(&in_hostname),
        contains_pattern(&in_identity),
    )
}

/// The most trigrams a search looks up: enough to make any real search narrow, few enough that
/// a pasted paragraph stays one small query (every match is checked against the whole text).
const MOST_TRIGRAMS: usize = 24;

/// The SQLite full-text query (`device_search`, trigrams without positions) for the devices that
/// may contain `search`: every trigram of the hostname's text, or every trigram of the identity's.
/// `None` when either text is shorter than a trigram: the index cannot find it.
pub fn trigram_query(search: &str) -> Option<String> {
    let (in_hostname, in_identity) = search_texts(search.trim());
    let all_of = |text: &str| -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut trigrams: Vec<String> = Vec::new();
        for window in chars.windows(3) {
            let trigram: String = window.iter().collect();
            if !trigrams.contains(&trigram) && trigrams.len() < MOST_TRIGRAMS {
                trigrams.push(trigram);
            }
        }
        let quoted: Vec<String> = trigrams
            .iter()
            .map(|trigram| format!("\"{}\"", trigram.replace('"', "\"\"")))
            .collect();
        (!quoted.is_empty()).then(|| format!("({})", quoted.join(" AND ")))
    };
    Some(format!(
        "{} OR {}",
        all_of(&in_hostname)?,
        all_of(&in_identity)?
    ))
}

/// The ids of at most `limit` of `company_id`'s devices whose hostname, serial number, MAC address
/// or product ID contains `search`; `placeholder(n)` writes the n-th parameter, and numbered ones
/// (`$1`) mean PostgreSQL. The limit is ours, a number, written in.
///
/// Few devices contain a text of three characters or more: their trigrams find them (SQLite's
/// `device_search`; PostgreSQL's trigram indexes serve the same `LIKE`), and each is checked
/// against the text. A shorter text reads the company's hostname index, which holds both texts
/// (the company named inside: outside, it would lead SQLite to walk all its devices).
pub fn search_sql(
    company_id: &str,
    search: &str,
    limit: u64,
    placeholder: impl Fn(usize) -> String,
) -> FilterSql {
    let (in_hostname, in_identity) = search_patterns(search.trim());
    let limit = limit.min(i64::MAX as u64);
    let postgres = placeholder(1).starts_with('$');
    match trigram_query(search).filter(|_| !postgres) {
        // The index first (CROSS JOIN keeps SQLite from walking the company's devices instead).
        Some(trigrams) => FilterSql {
            clause: format!(
                "SELECT found.id FROM device_search CROSS JOIN devices found \
                 ON found.id = device_search.rowid WHERE device_search MATCH {} \
                 AND found.company_id = {} AND (lower(found.hostname) LIKE {} {ESCAPE} \
                 OR substr(found.identity_key, 3) LIKE {} {ESCAPE}) LIMIT {limit}",
                placeholder(1),
                placeholder(2),
                placeholder(3),
                placeholder(4),
            ),
            binds: vec![trigrams, company_id.to_owned(), in_hostname, in_identity],
        },
        None => FilterSql {
            clause: format!(
                "SELECT id FROM devices WHERE company_id = {} AND (lower(hostname) LIKE {} {ESCAPE} \
                 OR substr(identity_key, 3) LIKE {} {ESCAPE}) LIMIT {limit}",
                placeholder(1),
                placeholder(2),
                placeholder(3),
            ),
            binds: vec![company_id.to_owned(), in_hostname, in_identity],
        },
    }
}

impl DeviceFilter {
    /// The clause over `company_id`'s devices; `placeholder(n)` writes the n-th parameter.
    ///
    /// A search finds devices whose hostname (in any ASCII case), serial number, MAC address or
    /// product ID contains it. No index serves a text inside a value, so it is read from the
    /// company's hostname index, which holds both texts. `search_limit` says how to ask: `None`
    /// when many devices match and a page is read in the order's index (the search a condition on
    /// each device); `Some(n)` to find at most `n` matches first, which is exact for counting up
    /// to `n` and for reading pages when fewer match. The filters on sets of the company's
    /// products or releases follow the same choice (see `set_open`).
    ///
    /// `today` (`YYYY-MM-DD`) is the day end-of-life stages are decided on.
    pub fn to_sql(
        &self,
        company_id: &str,
        today: &str,
        search_limit: Option<u64>,
        placeholder: impl Fn(usize) -> String,
    ) -> FilterSql {
        let mut clause = String::new();
        let mut binds = Vec::new();
        let search = self.search.trim();
        if let (Some(limit), false) = (search_limit, search.is_empty()) {
            // First, so its parameters are the first ones.
            let found = search_sql(company_id, search, limit, &placeholder);
            clause.push_str(&format!("d.id IN ({})", found.clause));
            binds.extend(found.binds);
        }
        // Each `?` of `sql` becomes a parameter of its own holding `value` (SQLite's are not
        // numbered, so one is never used twice).
        let mut add = |sql: &str, value: String, clause: &mut String| {
            let mut parts = sql.split('?');
            clause.push_str(parts.next().unwrap_or_default());
            for part in parts {
                binds.push(value.clone());
                clause.push_str(&placeholder(binds.len()));
                clause.push_str(part);
            }
        };
        if search_limit.is_none() || search.is_empty() {
            add("d.company_id = ?", company_id.to_owned(), &mut clause);
            if !search.is_empty() {
                let (in_hostname, in_identity) = search_patterns(search);
                add(
                    &format!(" AND (lower(d.hostname) LIKE ? {ESCAPE}"),
                    in_hostname,
                    &mut clause,
                );
                add(
                    &format!(" OR substr(d.identity_key, 3) LIKE ? {ESCAPE})"),
                    in_identity,
                    &mut clause,
                );
            }
        }
        if let Some(ids) = self.selected_ids() {
            // Parsed numbers, written in (a list of parameters would outgrow SQLite's limit).
            if ids.is_empty() {
                clause.push_str(" AND 1 = 0");
            } else {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                clause.push_str(&format!(" AND d.id IN ({})", list.join(", ")));
            }
        }
        if self.renewal {
            clause.push_str(" AND d.status IN ('expired', 'expiring')");
        }
        if let Some(status) = self.status {
            add(" AND d.status = ?", status.as_str().to_owned(), &mut clause);
            if status == Status::Expired && !today.is_empty() {
                // Always true of an expired device (its coverage ended before the day it was
                // decided on): said, so the coverage-end index is read from the first expired
                // date, not through every device without one (SQLite puts them first).
                add(" AND d.coverage_end < ?", today.to_owned(), &mut clause);
            }
        }
        if let Some(reason) = self.reason {
            // Only not-covered devices have a reason: saying so lets the status index serve.
            if self.status != Some(Status::NotCovered) {
                clause.push_str(" AND d.status = 'not_covered'");
            }
            add(" AND d.reason = ?", reason.as_str().to_owned(), &mut clause);
        }
        // When many devices match, a page is read in its order's index and each device checked
        // against the filters' sets of the company's products or releases. Written as a test
        // (`IS TRUE`) PostgreSQL keeps such a set as a hashed lookup; left bare, it joins the set
        // to the devices, and when it misjudges how many that finds (a release-train match is
        // an `OR` it cannot estimate) it reads and sorts every match: 0.9 s for 230,000 devices
        // against 1 ms. When few match, the bare set is what finds them.
        let (set_open, set_close) = if search_limit.is_none() {
            ("(", ") IS TRUE")
        } else {
            ("", "")
        };
        if !self.contract.trim().is_empty() {
            add(
                " AND d.contract_number = ?",
                self.contract.trim().to_owned(),
                &mut clause,
            );
        }
        if !self.site.trim().is_empty() {
            add(" AND d.site = ?", self.site.trim().to_owned(), &mut clause);
        }
        if !pid_key(&self.pid).is_empty() {
            add(" AND d.pid_key = ?", pid_key(&self.pid), &mut clause);
        }
        if let Some(stage) = self.end_of_life {
            // The company's products in that stage today (each `?` after the company is the same
            // day): a few rows, each a range of the pid index.
            add(
                &format!(
                    " AND {set_open}d.pid_key IN (SELECT g.pid_key FROM device_groups g \
                     JOIN eox_products ep ON ep.pid_key = g.pid_key \
                     JOIN eox_bulletins eb ON eb.bulletin_number = ep.bulletin_number \
                     WHERE g.company_id = ?"
                ),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(" AND {}){set_close}", stage.stage_sql("?")),
                today.to_owned(),
                &mut clause,
            );
        }
        if !self.bulletin.trim().is_empty() {
            // A hardware bulletin lists products; a software one, release trains.
            let bulletin = self.bulletin.trim().to_owned();
            add(
                &format!(
                    " AND {set_open}(d.pid_key IN \
                     (SELECT pid_key FROM eox_products WHERE bulletin_number = ?)"
                ),
                bulletin.clone(),
                &mut clause,
            );
            add(
                &format!(" OR {}", COMPANY_TRAINS),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(" AND se.bulletin_number = ?)){set_close}"),
                bulletin,
                &mut clause,
            );
        }
        if let Some(state) = self.advisory_state {
            // The company's releases in that state (a few rows), then their devices by index.
            add(
                &format!(
                    " AND {set_open}(d.software_type, d.release_key) IN \
                     (SELECT g.software_type, g.release_key \
                     FROM device_groups g WHERE g.company_id = ?"
                ),
                company_id.to_owned(),
                &mut clause,
            );
            clause.push_str(&format!(" AND {}){set_close}", state.state_sql_over("g")));
        }
        if let Some(severity) = self.advisory_severity {
            // The company's releases an advisory of that severity affects (counted per release
            // and severity at each advisory import): a few rows, not every release such
            // advisories list. The rank is the enum's own number, written as is.
            add(
                &format!(
                    " AND {set_open}(d.software_type, d.release_key) IN \
                     (SELECT g.software_type, g.release_key FROM device_groups g \
                     JOIN release_severity_exposure rs ON rs.software_type = g.software_type \
                     AND rs.release_key = g.release_key \
                     WHERE g.company_id = ? AND rs.severity_rank = {}){set_close}",
                    severity.rank()
                ),
                company_id.to_owned(),
                &mut clause,
            );
        }
        if !self.advisory.trim().is_empty() {
            add(
                &format!(
                    " AND {set_open}{}{set_close}",
                    exposed_sql("sa.advisory_id = ?")
                ),
                self.advisory.trim().to_owned(),
                &mut clause,
            );
        }
        if let Some(stage) = self.software_end_of_life {
            // The trains in that stage today (each `?` is the same day), matched as device rows
            // match their train.
            add(
                &format!(" AND {set_open}{}", COMPANY_TRAINS),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(" AND {}){set_close}", stage.stage_sql_over("se", "?")),
                today.to_owned(),
                &mut clause,
            );
        }
        let notice = self.field_notice.trim();
        if !notice.is_empty() {
            // The company's (product, release) groups the notice affects whatever the serial (a
            // few rows) and its devices in the notice's serial ranges (index ranges). Devices are
            // looked for among the products of both, an index range each (none when the notice
            // affects nothing), then looked up in the two sets: no device is decided on its own.
            let groups_from = "device_groups g JOIN field_notice_products fp \
                               ON fp.pid_key = g.pid_key WHERE g.company_id = ?";
            let whole = listing_affects_whatever_the_serial_sql("fp", "g");
            add(
                &format!(" AND {set_open}d.pid_key IN (SELECT g.pid_key FROM {groups_from}"),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(
                    " AND fp.notice_id = ? AND {whole} \
                     UNION SELECT fs.pid_key FROM field_notice_serials fs WHERE fs.notice_id = ?){set_close}"
                ),
                notice.to_owned(),
                &mut clause,
            );
            add(
                &format!(
                    " AND {set_open}((d.pid_key, d.software_type, d.release_key) IN \
                     (SELECT g.pid_key, g.software_type, g.release_key FROM {groups_from}"
                ),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(" AND fp.notice_id = ? AND {whole})"),
                notice.to_owned(),
                &mut clause,
            );
            // PostgreSQL numbers its parameters (`$1`); it also compares identities bytewise
            // only when told to.
            let postgres = placeholder(1).starts_with('$');
            add(
                &format!(
                    " OR d.id IN (SELECT d.id FROM {}",
                    serial_range_devices_sql(postgres, "?")
                ),
                company_id.to_owned(),
                &mut clause,
            );
            add(
                &format!(" AND fs.notice_id = ?)){set_close}"),
                notice.to_owned(),
                &mut clause,
            );
        }
        FilterSql { clause, binds }
    }

    /// ORDER BY for the chosen sort, ties broken by identity so pages never overlap. Each order
    /// is an index's, which serves a page without sorting when many devices match. When few match
    /// (`sort_matches`), they are found by the filters' indexes and sorted: the order's columns
    /// are then written so no index can serve them (`|| ''`), or SQLite would walk the whole
    /// inventory in order to find the few.
    pub fn order_by(&self, sort_matches: bool) -> String {
        let column = match self.sort.as_str() {
            "hostname" => "lower(d.hostname)",
            "status" => "d.status",
            "end_date" => "d.coverage_end",
            "site" => "d.site",
            "contract" => "d.contract_number",
            _ => "d.identity_key",
        };
        let direction = if self.descending { "DESC" } else { "ASC" };
        let unindexed = if sort_matches { " || ''" } else { "" };
        if column == "d.identity_key" {
            format!("d.identity_key{unindexed} {direction}")
        } else {
            format!("{column}{unindexed} {direction}, d.identity_key{unindexed} {direction}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> String {
        format!("${n}")
    }

    #[test]
    fn expired_devices_are_looked_for_among_coverage_that_ended() {
        let expired = DeviceFilter {
            status: Some(Status::Expired),
            ..DeviceFilter::default()
        };
        let sql = expired.to_sql("C-1", "2026-12-02", None, numbered);
        assert_eq!(
            sql.clause,
            "d.company_id = $1 AND d.status = $2 AND d.coverage_end < $3"
        );
        assert_eq!(sql.binds, ["C-1", "expired", "2026-12-02"]);
    }

    #[test]
    fn no_filter_is_the_whole_company() {
        let sql = DeviceFilter::default().to_sql("C-1", "2026-12-01", None, numbered);
        assert_eq!(sql.clause, "d.company_id = $1");
        assert_eq!(sql.binds, vec!["C-1"]);
        assert_eq!(
            DeviceFilter::default().order_by(false),
            "d.identity_key ASC"
        );
    }

    #[test]
    fn a_search_s_devices_once_found_replace_the_search_and_keep_the_rest_of_the_filter() {
        let searched = DeviceFilter {
            search: "core".into(),
            status: Some(Status::Covered),
            sort: "hostname".into(),
            ..DeviceFilter::default()
        };
        let narrowed = searched.narrowed_to(vec![30, 4, 12]);
        assert_eq!(narrowed.search, "");
        assert_eq!(narrowed.selected_ids(), Some(vec![4, 12, 30]));
        assert_eq!(
            narrowed
                .to_sql("C-1", "2026-12-01", Some(51), numbered)
                .clause,
            "d.company_id = $1 AND d.id IN (4, 12, 30) AND d.status = $2"
        );
        assert_eq!(narrowed.sort, "hostname");
        // Within a selection: the found devices it holds; none found matches nothing.
        let selected = DeviceFilter {
            ids: "12,5".into(),
            ..searched.clone()
        };
        assert_eq!(
            selected.narrowed_to(vec![4, 12]).selected_ids(),
            Some(vec![12])
        );
        assert_eq!(
            selected
                .narrowed_to(vec![4])
                .to_sql("C-1", "", None, numbered)
                .clause,
            "d.company_id = $1 AND 1 = 0 AND d.status = $2"
        );
        assert_eq!(searched.narrowed_to(vec![]).selected_ids(), Some(vec![]));
        // A search alone (in any order) counts what it finds; with another filter it does not.
        assert!(!searched.only_searches());
        let alone_sorted = DeviceFilter {
            search: "core".into(),
            sort: "site".into(),
            descending: true,
            ..DeviceFilter::default()
        };
        assert!(alone_sorted.only_searches());
        // The search read alone, with the company inside.
        let alone = search_sql("C-1", " Core ", 51, numbered);
        assert_eq!(
            alone.clause,
            "SELECT id FROM devices WHERE company_id = $1 AND (lower(hostname) LIKE $2 ESCAPE '\\' \
             OR substr(identity_key, 3) LIKE $3 ESCAPE '\\') LIMIT 51"
        );
        assert_eq!(alone.binds, ["C-1", "%core%", "%CORE%"]);
    }

    #[test]
    fn a_search_of_three_characters_or_more_looks_its_trigrams_up_on_sqlite() {
        let unnumbered = |_| "?".to_owned();
        let found = search_sql("C-1", " Core ", 51, unnumbered);
        assert!(
            found
                .clause
                .starts_with("SELECT found.id FROM device_search CROSS JOIN devices found"),
            "{}",
            found.clause
        );
        // Each device the index proposes is checked against the whole text.
        assert!(found.clause.contains("lower(found.hostname) LIKE ?"));
        assert_eq!(
            found.binds,
            [
                "(\"cor\" AND \"ore\") OR (\"COR\" AND \"ORE\")",
                "C-1",
                "%core%",
                "%CORE%"
            ]
        );
        // Shorter than a trigram on either side: the company's devices are read as before.
        let short = search_sql("C-1", "c9", 51, unnumbered);
        assert!(short
            .clause
            .starts_with("SELECT id FROM devices WHERE company_id = ?"));
        assert_eq!(short.binds, ["C-1", "%c9%", "%C9%"]);
    }

    #[test]
    fn trigram_queries_quote_each_trigram_once_and_stay_small() {
        // Repeated trigrams once; a quote inside is doubled, as full-text strings want.
        assert_eq!(
            trigram_query("aaaa\"b").as_deref(),
            Some("(\"aaa\" AND \"aa\"\"\" AND \"a\"\"b\") OR (\"AAA\" AND \"AA\"\"\" AND \"A\"\"B\")")
        );
        // Characters, not bytes: three letters outside ASCII are one trigram.
        assert_eq!(
            trigram_query("élan").as_deref(),
            Some("(\"éla\" AND \"lan\") OR (\"ÉLA\" AND \"LAN\")")
        );
        assert_eq!(trigram_query("ab"), None);
        assert_eq!(trigram_query("   "), None);
        let pasted = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(3);
        let query = trigram_query(&pasted).expect("long text");
        assert_eq!(query.matches(" AND ").count(), 2 * (MOST_TRIGRAMS - 1));
    }

    #[test]
    fn devices_chosen_one_by_one_are_matched_by_id_and_nothing_else() {
        let chosen = DeviceFilter {
            ids: "12, 7,12,x".into(),
            status: Some(Status::Covered),
            ..DeviceFilter::default()
        };
        assert_eq!(chosen.selected_ids(), Some(vec![7, 12]));
        let sql = chosen.to_sql("C-1", "2026-12-01", None, numbered);
        assert_eq!(
            sql.clause,
            "d.company_id = $1 AND d.id IN (7, 12) AND d.status = $2"
        );
        // A mangled choice matches nothing rather than every device.
        let mangled = DeviceFilter {
            ids: "'; DROP TABLE devices".into(),
            ..DeviceFilter::default()
        };
        assert_eq!(mangled.selected_ids(), Some(vec![]));
        assert_eq!(
            mangled.to_sql("C-1", "2026-12-01", None, numbered).clause,
            "d.company_id = $1 AND 1 = 0"
        );
        assert_eq!(DeviceFilter::default().selected_ids(), None);
        // The selection keeps the view's order and drops its other filters; it round-trips.
        let view = DeviceFilter {
            site: "HQ".into(),
            sort: "site".into(),
            descending: true,
            ..DeviceFilter::default()
        };
        let only = view.only([3, 9]);
        assert_eq!(only.to_query(0), "ids=3%2C9&sort=site&descending=true");
        let (back, _) = DeviceFilter::from_query(|key| {
            only.to_query(0).split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k == key).then(|| v.replace("%2C", ","))
            })
        });
        assert_eq!(back, only);
    }

    #[test]
    fn the_renewal_list_is_every_expired_or_expiring_device_by_contract() {
        let renewal = DeviceFilter {
            renewal: true,
            sort: "contract".into(),
            ..DeviceFilter::default()
        };
        assert_eq!(
            renewal.to_sql("C-1", "2026-12-01", None, numbered).clause,
            "d.company_id = $1 AND d.status IN ('expired', 'expiring')"
        );
        assert_eq!(
            renewal.order_by(false),
            "d.contract_number ASC, d.identity_key ASC"
        );
        assert_eq!(renewal.to_query(0), "sort=contract&renewal=true");
        let (back, _) = DeviceFilter::from_query(|key| match key {
            "sort" => Some("contract".into()),
            "renewal" => Some("true".into()),
            _ => None,
        });
        assert_eq!(back, renewal);
    }

    #[test]
    fn a_heading_orders_by_its_column_then_the_other_way_round() {
        let view = DeviceFilter::default();
        assert_eq!(view.sort_key(), "serial");
        let by_serial = view.sorted_by("serial");
        assert!(by_serial.descending, "already by serial: reversed");
        assert_eq!(by_serial.sort, "");
        let by_site = by_serial.sorted_by("site");
        assert_eq!((by_site.sort.as_str(), by_site.descending), ("site", false));
        assert!(by_site.sorted_by("site").descending);
        let unknown = DeviceFilter {
            sort: "password".into(),
            ..DeviceFilter::default()
        };
        assert_eq!(unknown.sort_key(), "serial");
    }

    #[test]
    fn each_filter_is_bound_never_spliced() {
        let filter = DeviceFilter {
            status: Some(Status::NotCovered),
            reason: Some(ReasonCode::PidMismatch),
            contract: " 91000001 ".into(),
            site: "HQ".into(),
            pid: "c9300-48p=".into(),
            search: "foc_1%".into(),
            sort: "end_date".into(),
            descending: true,
            ..DeviceFilter::default()
        };
        let sql = filter.to_sql("C-1", "2026-12-01", Some(100), numbered);
        assert_eq!(
            sql.clause,
            "d.id IN (SELECT id FROM devices WHERE company_id = $1 \
             AND (lower(hostname) LIKE $2 ESCAPE '\\' OR substr(identity_key, 3) LIKE $3 \
             ESCAPE '\\') LIMIT 100) AND d.status = $4 AND d.reason = $5 \
             AND d.contract_number = $6 AND d.site = $7 AND d.pid_key = $8"
        );
        // The search's own wildcards are plain characters.
        assert_eq!(
            sql.binds,
            vec![
                "C-1",
                "%foc\\_1\\%%",
                "%FOC\\_1\\%%",
                "not_covered",
                "pid_mismatch",
                "91000001",
                "HQ",
                "C9300-48P",
            ]
        );
        assert_eq!(
            filter.order_by(false),
            "d.coverage_end DESC, d.identity_key DESC"
        );
        // Many matches: the search is a condition on each device, read in an index's order.
        assert_eq!(
            filter.to_sql("C-1", "2026-12-01", None, numbered).clause,
            "d.company_id = $1 AND (lower(d.hostname) LIKE $2 ESCAPE '\\' \
             OR substr(d.identity_key, 3) LIKE $3 ESCAPE '\\') AND d.status = $4 \
             AND d.reason = $5 AND d.contract_number = $6 AND d.site = $7 AND d.pid_key = $8"
        );
        assert_eq!(
            filter.order_by(true),
            "d.coverage_end || '' DESC, d.identity_key || '' DESC"
        );
    }

    #[test]
    fn filters_travel_in_the_query_string() {
        let filter = DeviceFilter {
            status: Some(Status::NotCovered),
            search: "FOC 12&x".into(),
            descending: true,
            ..DeviceFilter::default()
        };
        let query = filter.to_query(50);
        assert_eq!(
            query,
            "status=not_covered&search=FOC%2012%26x&descending=true&offset=50"
        );
        let decoded = |key: &str| match key {
            "status" => Some("not_covered".to_owned()),
            "search" => Some("FOC 12&x".to_owned()),
            "descending" => Some("true".to_owned()),
            "offset" => Some("50".to_owned()),
            _ => None,
        };
        assert_eq!(DeviceFilter::from_query(decoded), (filter, 50));
        assert_eq!(DeviceFilter::default().to_query(0), "");
    }

    #[test]
    fn end_of_life_filters_name_the_products_in_that_stage_today() {
        let filter = DeviceFilter {
            end_of_life: Some(EolStage::EndOfSecuritySupport),
            bulletin: "EOL-1".into(),
            ..DeviceFilter::default()
        };
        let sql = filter.to_sql("C-1", "2026-12-01", None, numbered);
        assert_eq!(
            sql.clause,
            "d.company_id = $1 AND (d.pid_key IN (SELECT g.pid_key FROM device_groups g \
             JOIN eox_products ep ON ep.pid_key = g.pid_key \
             JOIN eox_bulletins eb ON eb.bulletin_number = ep.bulletin_number \
             WHERE g.company_id = $2 AND eb.end_of_security_support <= $3 \
             AND NOT (eb.last_date_of_support <= $4))) IS TRUE \
             AND ((d.pid_key IN (SELECT pid_key FROM eox_products WHERE bulletin_number = $5) \
             OR (d.software_type, d.release_key) IN (SELECT d.software_type, d.release_key \
             FROM device_groups d JOIN software_eox se ON se.software_type = d.software_type \
             AND d.release_key <> '' AND (d.release_key = se.release_train \
             OR substr(d.release_key, 1, length(se.release_train) + 1) = se.release_train || '.') \
             WHERE d.company_id = $6 AND se.bulletin_number = $7))) IS TRUE"
        );
        // When few match, the sets are bare: they find the devices.
        let few = filter
            .to_sql("C-1", "2026-12-01", Some(51), numbered)
            .clause;
        assert!(few.starts_with("d.company_id = $1 AND d.pid_key IN (SELECT g.pid_key"));
        assert!(!few.contains("IS TRUE"));
        assert_eq!(
            sql.binds,
            vec![
                "C-1",
                "C-1",
                "2026-12-01",
                "2026-12-01",
                "EOL-1",
                "C-1",
                "EOL-1"
            ]
        );
        let query = filter.to_query(0);
        assert_eq!(query, "end_of_life=end_of_security_support&bulletin=EOL-1");
        let decoded = |key: &str| match key {
            "end_of_life" => Some("end_of_security_support".to_owned()),
            "bulletin" => Some("EOL-1".to_owned()),
            _ => None,
        };
        assert_eq!(DeviceFilter::from_query(decoded).0, filter);
    }

    #[test]
    fn a_reason_implies_not_covered() {
        let filter = DeviceFilter {
            reason: Some(ReasonCode::UnknownSerial),
            ..DeviceFilter::default()
        };
        assert_eq!(
            filter.to_sql("C-1", "2026-12-01", None, numbered).clause,
            "d.company_id = $1 AND d.status = 'not_covered' AND d.reason = $2"
        );
    }

    #[test]
    fn unknown_statuses_reasons_and_sorts_are_ignored() {
        let words = |key: &str| match key {
            "status" => Some("x' OR 1=1 --".to_owned()),
            "reason" => Some("nope".to_owned()),
            "sort" => Some("password".to_owned()),
            _ => None,
        };
        let (filter, _) = DeviceFilter::from_query(words);
        assert_eq!((filter.status, filter.reason), (None, None));
        assert_eq!(
            filter.to_sql("C-1", "2026-12-01", None, numbered).clause,
            "d.company_id = $1"
        );
        assert_eq!(filter.order_by(false), "d.identity_key ASC");
    }
}
