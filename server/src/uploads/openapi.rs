//! The collector API's OpenAPI 3.1 document, generated from the code: the operations from the
//! handlers' `#[utoipa::path]` attributes, the bodies from the types the handlers serialise
//! (`super::bodies`, `app::inventory`), the query parameters from the structs the handlers read
//! them into. What every operation shares (the 401, the quota headers) is added once, here.

use std::sync::LazyLock;

use app::inventory::{columns::Field, json::DeviceInput};
use serde_json::json;
use utoipa::{
    openapi::{
        header::HeaderBuilder,
        path::Operation,
        schema::{ArrayBuilder, ObjectBuilder, SchemaFormat, SchemaType, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, RefOr, ResponseBuilder, Schema,
    },
    Modify, OpenApi, PartialSchema, ToSchema,
};

use super::{api, bodies, devices_export, history, reads, reference};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "NetCare collector API",
        version = "1",
        description = "Upload a company's network device inventory and read it back with each device's service coverage. Every request is authenticated by a collector token that a Delegated Administrator or Admin creates on the Collectors page; the token alone decides the company. A token is either an upload token (upload and read) or read-only (every GET, never an upload). All upload methods of a company share one quota of uploads per day. Every body, sent or answered, names its fields in snake_case. A readable version of this document is at `/api/v1/docs`.",
    ),
    servers((url = "/")),
    security(("collectorToken" = [])),
    paths(
        api::create_upload,
        history::list_uploads,
        history::upload_by_id,
        history::rejected_rows,
        devices_export::devices,
        reads::device_by_serial,
        reads::coverage_summary,
        reads::contracts,
        reads::alerts,
        reads::me,
        api::openapi,
        reference::reference,
    ),
    components(schemas(DevicesBody, bodies::Problem)),
    modifiers(&Shared),
)]
struct ApiDoc;

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut document = serde_json::to_value(ApiDoc::openapi()).expect("the document serialises");
    // utoipa's schema model has no `contains` (its extensions are all `x-`): added here.
    let devices = document
        .pointer_mut("/components/schemas/DevicesBody/properties/devices")
        .and_then(serde_json::Value::as_object_mut)
        .expect("DevicesBody has its devices");
    devices.insert("contains".to_owned(), landing_device());
    serde_json::to_string_pretty(&document).expect("the document serialises")
});

/// The document as served at `/api/v1/openapi.json`.
pub fn document() -> &'static str {
    DOCUMENT.as_str()
}

/// Operations anyone may call: the document and its readable page.
const PUBLIC: [&str; 2] = ["openapi", "reference"];

/// What every operation shares: the token scheme, the 401 of a missing or revoked token, and
/// the `RateLimit-*` headers on every successful answer (to upload tokens).
struct Shared;

impl Modify for Shared {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "collectorToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A collector token (nct_…), shown once when created."))
                    .build(),
            ),
        );
        for item in openapi.paths.paths.values_mut() {
            for operation in [item.get.as_mut(), item.post.as_mut()]
                .into_iter()
                .flatten()
            {
                let public = operation
                    .operation_id
                    .as_deref()
                    .is_some_and(|id| PUBLIC.contains(&id));
                if public {
                    // No token needed.
                    operation.security = Some(Vec::new());
                } else {
                    describe_token_answers(operation);
                }
            }
        }
    }
}

fn integer_header(description: &str) -> HeaderBuilder {
    HeaderBuilder::new()
        .schema(Some(Schema::Object(
            ObjectBuilder::new().schema_type(Type::Integer).build(),
        )))
        .description(Some(description))
}

fn describe_token_answers(operation: &mut Operation) {
    let quota_headers = [
        (
            "RateLimit-Limit",
            integer_header("Uploads a day the company may make (answers to upload tokens only)."),
        ),
        (
            "RateLimit-Remaining",
            integer_header("Uploads left today, this answer's upload counted."),
        ),
        (
            "RateLimit-Reset",
            integer_header("Seconds until the quota day ends (midnight UTC)."),
        ),
        (
            "RateLimit-Policy",
            HeaderBuilder::new()
                .schema(Some(Schema::Object(
                    ObjectBuilder::new().schema_type(Type::String).build(),
                )))
                .description(Some("The quota as a policy: `5;w=86400`.")),
        ),
    ]
    .map(|(name, header)| (name, header.build()));
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
            for (name, header) in &quota_headers {
                response
                    .headers
                    .insert((*name).to_owned(), RefOr::T(header.clone()));
            }
        }
    }
    operation.responses.responses.insert(
        "401".to_owned(),
        RefOr::T(
            ResponseBuilder::new()
                .description("The token is missing, mistyped or revoked (`invalid_token`).")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(bodies::Problem::schema()))
                        .build(),
                )
                .build(),
        ),
    );
}

/// `{"devices": […]}`, the JSON upload. Each device is described by [`DeviceInput`], the type
/// the body is read into; the document adds `contains` ([`landing_device`]).
pub struct DevicesBody;

impl PartialSchema for DevicesBody {
    fn schema() -> RefOr<Schema> {
        let devices = ArrayBuilder::new()
            .items(DeviceInput::schema())
            .min_items(Some(1))
            .description(Some(
                "Each device is checked on its own: one that fails is listed in `rejected_rows` with the reason, the others land; an upload in which none lands is refused (422). `contains` describes a device that lands.",
            ));
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .property("devices", devices)
            .required("devices")
            .into()
    }
}

impl ToSchema for DevicesBody {}

/// A CSV upload body. Its format, `inventory-csv`, names what a regular expression cannot say
/// (which files land); the API's fuzzing hooks generate such files for it.
pub struct InventoryCsv;

impl PartialSchema for InventoryCsv {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("inventory-csv".to_owned())))
            .description(Some(
                "A header row, then one device per line. Columns: serial_number,product_id,hostname,ip_address,mac_address,software_type,software_version,site (common spellings such as `Serial Number` or `PID` are recognised; comma, semicolon and tab delimiters are detected). Each row is checked on its own, with the rules of the JSON body's devices: rejected rows are listed, the others land; a file in which none lands is refused (422).",
            ))
            .examples([json!(
                "serial_number,product_id,hostname,site\nFOC2101A0AA,C9300-48P,core-sw-01,Lisbon DC\n"
            )])
            .into()
    }
}

impl ToSchema for InventoryCsv {}

/// The white space `str::trim` takes off a value's ends.
const TRIMMED: &str = r"[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*";
/// Characters ignored inside a serial number or product ID (spaces, invisible ones).
const IGNORED: &str =
    r" \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff";

/// A key of visible ASCII with ignored characters anywhere and at least one `required` one.
fn key_pattern(required: &str) -> String {
    let any = format!("[!-~{IGNORED}]*");
    format!("^{TRIMMED}{any}{required}{any}{TRIMMED}$")
}

/// What a device that lands looks like: the checks of `app::inventory::rows` as patterns, which a
/// client generating bodies (a fuzzer, a test) needs to know which devices are accepted.
fn landing_device() -> serde_json::Value {
    let key_length = Field::SerialNumber.max_chars();
    let spreadsheet_number = format!(r"{TRIMMED}[0-9]+[.,][0-9]+[eE]\+?[0-9]+{TRIMMED}$");
    let serial = format!("^(?!{spreadsheet_number}){}", &key_pattern("[!-~]")[1..]);
    // A product ID of only `=` is empty once the spare-part mark is dropped.
    let product_id = key_pattern("[!-<>-~]");
    let mac_separator = format!("[:.\\-{IGNORED}]*");
    let mac = format!("^{TRIMMED}{mac_separator}([0-9A-Fa-f]{mac_separator}){{12}}{TRIMMED}$");
    let nothing = format!("^[{IGNORED}\\t\\n\\u000b\\f\\r]*$");
    let optional = json!({"type": ["string", "null"]});
    json!({
        "type": "object",
        "required": ["product_id"],
        "properties": {
            "serial_number": {"type": ["string", "null"], "maxLength": key_length},
            "product_id": {"type": "string", "minLength": 1, "maxLength": key_length, "pattern": product_id},
            "hostname": optional, "ip_address": optional, "mac_address": optional,
            "software_type": optional, "software_version": optional, "site": optional,
        },
        "anyOf": [
            {"required": ["serial_number"], "properties": {
                "serial_number": {"type": "string", "pattern": serial}}},
            {"required": ["mac_address"], "properties": {
                "serial_number": {"pattern": nothing},
                "mac_address": {"type": "string", "maxLength": Field::MacAddress.max_chars(), "pattern": mac}}},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns are composed in code now; they must say what the hand-written ones said
    /// (which schemathesis's positive-data check proved the server accepts).
    #[test]
    fn composed_patterns_are_the_proven_ones() {
        let device = landing_device();
        assert_eq!(
            device["properties"]["product_id"]["pattern"],
            r"^[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[!-~ \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*[!-<>-~][!-~ \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        );
        assert_eq!(
            device["anyOf"][0]["properties"]["serial_number"]["pattern"],
            r"^(?![\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]+[.,][0-9]+[eE]\+?[0-9]+[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$)[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[!-~ \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*[!-~][!-~ \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        );
        assert_eq!(
            device["anyOf"][1]["properties"]["serial_number"]["pattern"],
            r"^[ \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff\t\n\u000b\f\r]*$"
        );
        assert_eq!(
            device["anyOf"][1]["properties"]["mac_address"]["pattern"],
            r"^[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[:.\- \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*([0-9A-Fa-f][:.\- \u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]*){12}[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        );
    }
}
