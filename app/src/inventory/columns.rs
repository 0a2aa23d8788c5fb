//! The columns of an inventory file: the template's names, the many names spreadsheets and
//! exports use for them, and which delimiter a file uses. Pure: the browser preview and the server
//! read files with the same rules.

use serde::{Deserialize, Serialize};

/// What NetCare knows about a device, one column each in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    SerialNumber,
    ProductId,
    Hostname,
    IpAddress,
    MacAddress,
    SoftwareType,
    SoftwareVersion,
    Site,
}

impl Field {
    /// In the template's order.
    pub const ALL: [Field; 8] = [
        Field::SerialNumber,
        Field::ProductId,
        Field::Hostname,
        Field::IpAddress,
        Field::MacAddress,
        Field::SoftwareType,
        Field::SoftwareVersion,
        Field::Site,
    ];

    /// The template's column name.
    pub fn column(self) -> &'static str {
        match self {
            Field::SerialNumber => "serial_number",
            Field::ProductId => "product_id",
            Field::Hostname => "hostname",
            Field::IpAddress => "ip_address",
            Field::MacAddress => "mac_address",
            Field::SoftwareType => "software_type",
            Field::SoftwareVersion => "software_version",
            Field::Site => "site",
        }
    }

    /// The field a template column name stands for.
    pub fn from_column(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.column() == name)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Field::SerialNumber => "Serial number",
            Field::ProductId => "Product ID",
            Field::Hostname => "Hostname",
            Field::IpAddress => "IP address",
            Field::MacAddress => "MAC address",
            Field::SoftwareType => "Software type",
            Field::SoftwareVersion => "Software version",
            Field::Site => "Site",
        }
    }

    /// The name inside a sentence.
    pub fn lower_label(self) -> &'static str {
        match self {
            Field::SerialNumber => "serial number",
            Field::ProductId => "product ID",
            Field::Hostname => "hostname",
            Field::IpAddress => "IP address",
            Field::MacAddress => "MAC address",
            Field::SoftwareType => "software type",
            Field::SoftwareVersion => "software version",
            Field::Site => "site",
        }
    }

    /// The longest value accepted, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            Field::SerialNumber | Field::ProductId => 100,
            Field::Hostname => 255,
            Field::IpAddress => 45,
            Field::MacAddress => 32,
            Field::SoftwareType => 50,
            Field::SoftwareVersion => 100,
            Field::Site => 200,
        }
    }

    /// Header spellings that mean this field, compared after [`header_key`].
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::SerialNumber => &[
                "serialnumber",
                "serial",
                "serialno",
                "serialnum",
                "serialnr",
                "sn",
            ],
            Field::ProductId => &["productid", "pid", "product", "productnumber", "partnumber"],
            Field::Hostname => &["hostname", "host", "devicename"],
            Field::IpAddress => &["ipaddress", "ip", "ipaddr", "managementip", "mgmtip"],
            Field::MacAddress => &["macaddress", "mac", "macaddr"],
            Field::SoftwareType => &[
                "softwaretype",
                "swtype",
                "ostype",
                "os",
                "operatingsystem",
                "softwarefamily",
            ],
            Field::SoftwareVersion => &[
                "softwareversion",
                "software",
                "swversion",
                "version",
                "osversion",
            ],
            Field::Site => &["site", "sitename"],
        }
    }

    /// Header spellings that may mean this field when no column names it plainly: what NetBox,
    /// Nautobot and asset spreadsheets call it (`Name` is a device's hostname there, `Type` its
    /// product ID, `Location` a room within the site).
    fn weak_aliases(self) -> &'static [&'static str] {
        match self {
            Field::SerialNumber => &["serialnumbers", "serialid"],
            Field::ProductId => &["type", "devicetype", "model", "modelnumber", "modelname"],
            Field::Hostname => &["name", "device", "fqdn"],
            Field::IpAddress => &[
                "primaryip",
                "primaryipv4",
                "primaryipv6",
                "ipv4address",
                "ipv4",
                "ipv6address",
                "ipv6",
            ],
            Field::MacAddress => &["macaddresses", "primarymac"],
            // NetBox and Nautobot name the operating system a device runs its platform.
            Field::SoftwareType => &["platform", "platformname", "osfamily"],
            Field::SoftwareVersion => {
                &["softwareimage", "osversions", "firmware", "firmwareversion"]
            }
            Field::Site => &["location", "sitecode"],
        }
    }
}

/// How plainly a header names a field: a plain name wins over a column that only may mean it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Weak,
    Plain,
}

/// The field a header cell may name, with how plainly.
fn guess_for_header(raw: &str) -> Option<(Field, Strength)> {
    let key = header_key(raw);
    Field::ALL.into_iter().find_map(|field| {
        if field.aliases().contains(&key.as_str()) {
            Some((field, Strength::Plain))
        } else if field.weak_aliases().contains(&key.as_str()) {
            Some((field, Strength::Weak))
        } else {
            None
        }
    })
}

/// The template's header line.
pub fn template_header() -> String {
    Field::ALL.map(Field::column).join(",")
}

/// A header cell reduced to lower-case letters and digits: `Serial Number`, `serial_number`,
/// `SERIAL-NUMBER`, `serialNumber` and `\u{FEFF}serial number ` are all `serialnumber`.
pub fn header_key(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The field a header cell names, if any (plainly or not).
pub fn field_for_header(raw: &str) -> Option<Field> {
    guess_for_header(raw).map(|(field, _)| field)
}

/// Which field each column of a file holds (`None`: a column NetCare does not use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMap {
    pub headers: Vec<String>,
    pub fields: Vec<Option<Field>>,
}

impl ColumnMap {
    /// The column index holding `field`.
    pub fn index_of(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }

    /// Header cells that were not recognised (ignored on import).
    pub fn ignored(&self) -> Vec<String> {
        self.headers
            .iter()
            .zip(&self.fields)
            .filter(|(_, field)| field.is_none())
            .map(|(header, _)| header.clone())
            .collect()
    }
}

/// What a person chose each column of a file to hold (by position; `None`: ignored), written as
/// the template's column names separated by commas, empty for an ignored column:
/// `serial_number,,product_id,hostname`. Sent with an upload and remembered per company.
pub fn parse_column_choice(text: &str) -> Result<Vec<Option<Field>>, String> {
    text.split(',')
        .map(|name| match name.trim() {
            "" => Ok(None),
            name => Field::from_column(name).map(Some).ok_or_else(|| {
                format!(
                    "`{name}` is not a column NetCare reads (it reads: {})",
                    template_header()
                )
            }),
        })
        .collect()
}

/// The text form of a column choice (see [`parse_column_choice`]).
pub fn column_choice_text(fields: &[Option<Field>]) -> String {
    fields
        .iter()
        .map(|field| field.map_or("", Field::column))
        .collect::<Vec<_>>()
        .join(",")
}

/// A file's header row reduced to what identifies its layout: the same export from the same tool
/// has the same signature, so a company's column choice for it can be remembered.
pub fn header_signature(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| header_key(h))
        .collect::<Vec<_>>()
        .join("|")
}

/// Why a header row cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum HeaderProblem {
    #[error("The header row has no `{}` column (the template's columns are: {}).", .0.column(), template_header())]
    Missing(Field),
    #[error("Two columns, `{first}` and `{second}`, both hold the {}; keep one.", .field.lower_label())]
    Twice {
        field: Field,
        first: String,
        second: String,
    },
    #[error("The file has {found} columns, and a choice was made for {chosen}: choose what each column holds again.")]
    ChoiceDoesNotFit { chosen: usize, found: usize },
}

/// Maps a header row's cells to fields. Serial number and product ID are required columns;
/// unknown columns are ignored. A column that plainly names a field (`Site`) takes it from one
/// that only may mean it (`Location`), which is then ignored; two columns naming a field equally
/// plainly are refused, since either could be the right one.
pub fn map_header(headers: &[String]) -> Result<ColumnMap, HeaderProblem> {
    let guesses: Vec<Option<(Field, Strength)>> =
        headers.iter().map(|h| guess_for_header(h)).collect();
    let mut fields: Vec<Option<Field>> = vec![None; headers.len()];
    for field in Field::ALL {
        let candidates = |strength: Strength| -> Vec<usize> {
            (0..headers.len())
                .filter(|i| guesses[*i] == Some((field, strength)))
                .collect()
        };
        let plain = candidates(Strength::Plain);
        let chosen = if plain.is_empty() {
            candidates(Strength::Weak)
        } else {
            plain
        };
        match chosen.as_slice() {
            [] => {}
            [only] => fields[*only] = Some(field),
            [first, second, ..] => {
                return Err(HeaderProblem::Twice {
                    field,
                    first: clean_header(&headers[*first]),
                    second: clean_header(&headers[*second]),
                })
            }
        }
    }
    require_identity_columns(ColumnMap {
        headers: headers.iter().map(|h| clean_header(h)).collect(),
        fields,
    })
}

/// Maps a header row's cells as a person chose (`chosen[i]` is what column `i` holds), with the
/// same rules as the guess: one column per field, serial number and product ID required.
pub fn map_header_as(
    headers: &[String],
    chosen: &[Option<Field>],
) -> Result<ColumnMap, HeaderProblem> {
    if chosen.len() != headers.len() {
        return Err(HeaderProblem::ChoiceDoesNotFit {
            chosen: chosen.len(),
            found: headers.len(),
        });
    }
    for (index, field) in chosen.iter().enumerate() {
        let Some(field) = field else { continue };
        if let Some(first) = chosen[..index].iter().position(|f| f == &Some(*field)) {
            return Err(HeaderProblem::Twice {
                field: *field,
                first: clean_header(&headers[first]),
                second: clean_header(&headers[index]),
            });
        }
    }
    let map = ColumnMap {
        headers: headers.iter().map(|h| clean_header(h)).collect(),
        fields: chosen.to_vec(),
    };
    require_identity_columns(map)
}

/// Refuses a mapping without the columns every device needs.
fn require_identity_columns(map: ColumnMap) -> Result<ColumnMap, HeaderProblem> {
    for required in [Field::SerialNumber, Field::ProductId] {
        if map.index_of(required).is_none() {
            return Err(HeaderProblem::Missing(required));
        }
    }
    Ok(map)
}

fn clean_header(raw: &str) -> String {
    raw.trim_start_matches('\u{FEFF}').trim().to_owned()
}

/// The delimiter of a file, from its first line: whichever of comma, semicolon and tab occurs
/// most often outside quotes (European spreadsheets write semicolons). Comma when none does.
pub fn detect_delimiter(first_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|i| (counts[*i], usize::MAX - *i))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// How a delimiter is named to people.
pub fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "semicolon",
        b'\t' => "tab",
        _ => "comma",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn header_spellings_map_to_fields() {
        for (raw, field) in [
            ("serial_number", Field::SerialNumber),
            ("Serial Number", Field::SerialNumber),
            ("SERIAL-NUMBER", Field::SerialNumber),
            ("serialNumber", Field::SerialNumber),
            ("\u{FEFF}Serial #", Field::SerialNumber),
            (" SN ", Field::SerialNumber),
            ("PID", Field::ProductId),
            ("Product ID", Field::ProductId),
            ("productId", Field::ProductId),
            ("Host Name", Field::Hostname),
            ("IP", Field::IpAddress),
            ("IP Address", Field::IpAddress),
            ("MAC", Field::MacAddress),
            ("Software Version", Field::SoftwareVersion),
            ("Software Type", Field::SoftwareType),
            ("OS", Field::SoftwareType),
            ("Site Name", Field::Site),
        ] {
            assert_eq!(field_for_header(raw), Some(field), "{raw}");
        }
        assert_eq!(field_for_header("Owner"), None);
    }

    #[test]
    fn the_template_maps_every_field_in_order() {
        let cells: Vec<String> = template_header().split(',').map(str::to_owned).collect();
        let map = map_header(&cells).unwrap();
        assert_eq!(map.fields, Field::ALL.map(Some).to_vec());
        assert!(map.ignored().is_empty());
    }

    #[test]
    fn the_downloadable_template_is_the_template_header() {
        let file = include_str!("../../../public/netcare-inventory-template.csv");
        assert_eq!(file.trim_end(), template_header());
    }

    #[test]
    fn required_columns_and_duplicates_are_named() {
        assert_eq!(
            map_header(&headers(&["hostname", "pid"])),
            Err(HeaderProblem::Missing(Field::SerialNumber))
        );
        assert_eq!(
            map_header(&headers(&["serial", "hostname"])),
            Err(HeaderProblem::Missing(Field::ProductId))
        );
        let twice = map_header(&headers(&["Serial", "PID", "SN"])).unwrap_err();
        assert_eq!(
            twice.to_string(),
            "Two columns, `Serial` and `SN`, both hold the serial number; keep one."
        );
    }

    #[test]
    fn a_netbox_device_export_maps_as_its_columns_mean() {
        let cells = headers(&[
            "ID",
            "Name",
            "Status",
            "Tenant",
            "Site",
            "Location",
            "Rack",
            "Role",
            "Manufacturer",
            "Type",
            "Platform",
            "Serial number",
            "Asset tag",
            "IP Address",
        ]);
        let map = map_header(&cells).unwrap();
        assert_eq!(map.index_of(Field::Hostname), Some(1));
        assert_eq!(map.index_of(Field::Site), Some(4), "Site, not Location");
        assert_eq!(map.index_of(Field::ProductId), Some(9));
        assert_eq!(map.index_of(Field::SerialNumber), Some(11));
        assert_eq!(map.index_of(Field::IpAddress), Some(13));
        assert_eq!(map.index_of(Field::SoftwareType), Some(10), "Platform");
        assert!(map.ignored().contains(&"Location".to_owned()));
    }

    #[test]
    fn a_plain_name_beats_a_weak_one_and_a_weak_one_serves_alone() {
        let map = map_header(&headers(&["Device Type", "PID", "Serial", "Location"])).unwrap();
        assert_eq!(
            map.index_of(Field::ProductId),
            Some(1),
            "PID, not Device Type"
        );
        assert_eq!(
            map.index_of(Field::Site),
            Some(3),
            "Location when no Site column"
        );
        let twice = map_header(&headers(&["Serial", "Type", "Model"])).unwrap_err();
        assert_eq!(
            twice.to_string(),
            "Two columns, `Type` and `Model`, both hold the product ID; keep one."
        );
    }

    #[test]
    fn a_chosen_mapping_is_read_written_and_checked() {
        let chosen = parse_column_choice("serial_number,,product_id,hostname").unwrap();
        assert_eq!(
            chosen,
            vec![
                Some(Field::SerialNumber),
                None,
                Some(Field::ProductId),
                Some(Field::Hostname)
            ]
        );
        assert_eq!(
            column_choice_text(&chosen),
            "serial_number,,product_id,hostname"
        );
        assert!(parse_column_choice("serial_number,colour")
            .unwrap_err()
            .contains("`colour` is not a column NetCare reads"));
        let cells = headers(&["Asset", "Tag", "Model", "Device"]);
        let map = map_header_as(&cells, &chosen).unwrap();
        assert_eq!(map.index_of(Field::SerialNumber), Some(0));
        assert_eq!(map.ignored(), vec!["Tag".to_owned()]);
        assert_eq!(
            map_header_as(&cells, &chosen[..3]),
            Err(HeaderProblem::ChoiceDoesNotFit {
                chosen: 3,
                found: 4
            })
        );
        let twice = parse_column_choice("serial_number,serial_number,product_id,").unwrap();
        assert!(matches!(
            map_header_as(&cells, &twice),
            Err(HeaderProblem::Twice {
                field: Field::SerialNumber,
                ..
            })
        ));
        let no_pid = parse_column_choice("serial_number,,,hostname").unwrap();
        assert_eq!(
            map_header_as(&cells, &no_pid),
            Err(HeaderProblem::Missing(Field::ProductId))
        );
    }

    #[test]
    fn a_layout_is_known_again_by_its_header_signature() {
        assert_eq!(
            header_signature(&headers(&["\u{FEFF}Serial Number", "PID "])),
            header_signature(&headers(&["serial_number", "pid"]))
        );
        assert_ne!(
            header_signature(&headers(&["serial", "pid"])),
            header_signature(&headers(&["pid", "serial"]))
        );
    }

    #[test]
    fn unknown_columns_are_ignored_and_listed() {
        let map = map_header(&headers(&["Owner", "Serial Number", "PID", "Rack"])).unwrap();
        assert_eq!(map.index_of(Field::SerialNumber), Some(1));
        assert_eq!(map.index_of(Field::ProductId), Some(2));
        assert_eq!(map.ignored(), vec!["Owner".to_owned(), "Rack".to_owned()]);
    }

    #[test]
    fn delimiters_are_detected_outside_quotes() {
        assert_eq!(detect_delimiter("serial_number,product_id,site"), b',');
        assert_eq!(detect_delimiter("serial_number;product_id;site"), b';');
        assert_eq!(detect_delimiter("serial_number\tproduct_id\tsite"), b'\t');
        assert_eq!(detect_delimiter("\"a;b\",\"c;d\",e"), b',');
        assert_eq!(detect_delimiter("serial"), b',');
        assert_eq!(detect_delimiter("a;b;c\nx,y,z,w,v"), b';');
    }
}
