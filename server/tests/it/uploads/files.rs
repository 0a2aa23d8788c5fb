//! What a file holds: rows checked line by line, headers and delimiters understood, the preview and
//! its column choice, Excel workbooks, and files refused whole.

use super::prelude::*;

both_databases!(
    a_csv_upload_lands_with_coverage,
    every_validation_rule_gives_line_and_reason,
    header_spellings_and_delimiters_are_understood,
    the_preview_shows_mapping_and_problems,
    columns_chosen_in_the_preview_are_used_and_remembered,
    excel_workbooks_upload_as_their_first_sheet,
    files_refused_whole_change_nothing,
    repeats_far_apart_in_a_large_file_are_duplicates,
);

/// The same device twice, further apart than the rows written at once (1,500), is refused as a
/// duplicate of the first line like a repeat on the next line; what was added and updated counts
/// each device once, on a first upload and on the same file again.
async fn repeats_far_apart_in_a_large_file_are_duplicates(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana = login(&app, "dana.admin").await;
    let device = |n: usize| format!("LARGE{n:06},C9300-24T,host-{n}");
    let mut rows: Vec<String> = (0..1698).map(device).collect(); // lines 2 to 1699
    rows.push(device(8)); // line 1700 repeats line 10
    rows.extend((1698..3000).map(device)); // lines 1701 to 3002
    rows.push(device(0)); // line 3003 repeats line 2
    let file = format!("serial_number,product_id,hostname\n{}\n", rows.join("\n"));
    for (upload, added) in [("first", 3000), ("again", 0)] {
        let (status, lines) = browser_upload(&dana, "large.csv", file.as_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{upload}");
        let summary = &lines.last().unwrap()["summary"];
        assert_eq!(
            (
                summary["rows"].as_u64(),
                summary["accepted"].as_u64(),
                summary["added"].as_u64(),
                summary["updated"].as_u64(),
                summary["rejected"].as_u64()
            ),
            (
                Some(3002),
                Some(3000),
                Some(added),
                Some(3000 - added),
                Some(2)
            ),
            "{upload}"
        );
        let rejected: Vec<(u64, &str)> = summary["rejected_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap()))
            .collect();
        assert_eq!(
            rejected,
            [
                (
                    1700,
                    "duplicate: the same serial number and product ID as line 10"
                ),
                (
                    3003,
                    "duplicate: the same serial number and product ID as line 2"
                )
            ],
            "{upload}"
        );
    }
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices WHERE company_id = 'NW-1001' AND serial_number LIKE 'LARGE%'",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(rows, 3000);
}

async fn a_csv_upload_lands_with_coverage(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut dana = login(&app, "dana.admin").await;
    let (status, lines) = browser_upload(&dana, "northwind.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let done = lines.last().unwrap();
    assert_eq!(done["stage"], "done", "{lines:?}");
    let summary = &done["summary"];
    assert_eq!(summary["method"], "csv");
    assert_eq!(summary["file_name"], "northwind.csv");
    assert_eq!(
        (
            summary["rows"].as_u64(),
            summary["accepted"].as_u64(),
            summary["added"].as_u64()
        ),
        (Some(6), Some(6), Some(6))
    );
    assert_eq!(
        summary["coverage"],
        json!({"covered": 1, "expiring": 1, "future": 1, "expired": 1, "not_covered": 2})
    );
    assert_eq!(summary["quota"]["used"], 1);
    assert_eq!(summary["quota"]["limit"], 5);

    let token = token_for(&app, "NW-1001", "test").await;
    let devices = devices_json(&app, &token).await;
    assert_eq!(devices.len(), 6);
    let covered = device(&devices, "FOC2101A0AA");
    assert_eq!(covered["coverage"]["status"], "covered");
    assert_eq!(covered["coverage"]["contract_number"], "91000001");
    assert!(covered["coverage"]["service_level"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(covered["hostname"], "core-1");
    let mismatch = device(&devices, "FOC2101A0AB");
    assert_eq!(mismatch["coverage"]["status"], "not_covered");
    assert_eq!(mismatch["coverage"]["reason"], "pid_mismatch");
    assert_eq!(mismatch["coverage"]["registry_product_id"], "C9300-48P");
    assert_eq!(
        device(&devices, "NOPE0000001")["coverage"]["reason"],
        "unknown_serial"
    );
    assert_eq!(
        device(&devices, "FOC1907X1Y1")["coverage"]["status"],
        "expiring"
    );
    assert_eq!(
        device(&devices, "FOC1601Z9Z9")["coverage"]["status"],
        "expired"
    );
    assert_eq!(
        device(&devices, "FTX2001T1P1")["coverage"]["status"],
        "future"
    );

    // The same file again updates, adds nothing, and counts as a second upload.
    let again = upload_outcome(&dana, "northwind.csv", NORTHWIND_FILE.as_bytes()).await;
    assert_eq!(
        (
            again["summary"]["added"].as_u64(),
            again["summary"]["updated"].as_u64()
        ),
        (Some(0), Some(6))
    );

    // The dashlet's view: quota, recent uploads (newest first, by whom), devices.
    let (status, overview) = dana.call(LoadUploadOverview::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    assert_eq!(overview["quota"]["used"], 2);
    assert_eq!(overview["devices"], 6);
    assert_eq!(overview["recent"].as_array().unwrap().len(), 2);
    assert_eq!(overview["recent"][0]["by"], "Dana Admin");
    assert_eq!(overview["recent"][0]["method"], "csv");
    assert_eq!(overview["can_manage"], true);
}

async fn every_validation_rule_gives_line_and_reason(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben = login(&app, "ben.user").await;
    let long = "X".repeat(101);
    let file = format!(
        "serial_number,product_id,hostname,ip_address,mac_address,software_version,site\n\
         GOOD00001,C9300-48P,ok-1,10.1.1.1,00:11:22:33:44:55,17.9,HQ\n\
         ,C9300-48P,no-serial,,,,\n\
         GOOD00002,,no-pid,,,,\n\
         GOOD00003,C9300-48P,bad-mac,,00:11:22,,\n\
         GOOD00004,C9300-48P,bad-ip,999.1.1.1,,,\n\
         good00001,c9300-48p=,dup,,,,\n\
         {long},C9300-48P,too-long,,,,\n\
         GOOD00005,C9300-48P,\"tab\there\",,,,\n\
         GOOD00006,C9300-48P\n\
         1.23E+10,C9300-48P,excel,,,,\n\
         ,CP-8845,phone,,0011.2233.4466,,\n\
         ,CP-8845,phone-2,,0011.2233.446,,\n"
    );
    let done = upload_outcome(&ben, "mixed.csv", file.as_bytes()).await;
    assert_eq!(done["stage"], "done", "{done}");
    let summary = &done["summary"];
    assert_eq!(summary["rows"], 12);
    assert_eq!(summary["accepted"], 5, "{summary}");
    assert_eq!(summary["rejected"], 7);
    let rejected: Vec<(u64, String)> = summary["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason_at = |line: u64| {
        rejected
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("line {line} not rejected: {rejected:?}"))
    };
    assert!(reason_at(3).starts_with("missing serial number"));
    assert_eq!(reason_at(4), "missing product ID");
    assert_eq!(
        reason_at(13),
        "`0011.2233.446` is not a MAC address",
        "a phone without a serial number is known by its MAC address"
    );
    assert_eq!(
        reason_at(7),
        "duplicate: the same serial number and product ID as line 2"
    );
    assert!(reason_at(8).starts_with("Serial number is too long (101 characters"));
    // A malformed optional value keeps the device, without that value, and says so.
    let warnings: Vec<(u64, String)> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["line"].as_u64().unwrap(),
                w["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                5,
                "`00:11:22` is not a MAC address: kept the device without it".to_owned()
            ),
            (
                6,
                "`999.1.1.1` is not an IP address: kept the device without it".to_owned()
            ),
            (
                9,
                "Hostname contains control characters (tabs, line breaks or NUL inside a value): \
                 kept the device without it"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(summary["warned"], 3);
    assert_eq!(reason_at(10), "expected 7 values (one per column), found 2");
    assert!(reason_at(11).contains("spreadsheet rewrote"));
    // Rejected rows keep their values, to download, fix and upload again.
    let dup = summary["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == 7)
        .unwrap();
    assert_eq!(dup["values"][0], "good00001");
    assert_eq!(summary["columns"][0], "serial_number");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 5);
}

async fn header_spellings_and_delimiters_are_understood(backend: Backend) {
    let app = demo_app(backend, |s| s.uploads_per_day = 20).await;
    let dana = login(&app, "dana.admin").await;
    let files: [&[u8]; 6] = [
        b"\xEF\xBB\xBFSerial Number,Product ID,Host Name\r\nHV00001,C9300-48P,a\r\n",
        b"SN;PID;IP Address\nHV00002;C9300-48P;10.0.0.9\n",
        b"serial\tpid\tsite\nHV00003\tC9300-48P\tHQ\n",
        b"SERIAL_NUMBER,PRODUCT_ID,MAC\nHV00004,C9300-48P,00-11-22-33-44-99\n",
        b"Owner,serialNumber,productId\nme,HV00005,C9300-48P\n",
        b"\"Serial #\",\"Product\"\n\"HV00006\",\"C9300-48P\"\n",
    ];
    for (index, file) in files.iter().enumerate() {
        let done = upload_outcome(&dana, "variant.csv", file).await;
        assert_eq!(done["stage"], "done", "file {index}: {done}");
        assert_eq!(done["summary"]["accepted"], 1, "file {index}: {done}");
    }
    let token = token_for(&app, "NW-1001", "t").await;
    let devices = devices_json(&app, &token).await;
    assert_eq!(device(&devices, "HV00002")["ip_address"], "10.0.0.9");
    assert_eq!(device(&devices, "HV00003")["site"], "HQ");
    assert_eq!(
        device(&devices, "HV00004")["mac_address"],
        "00-11-22-33-44-99"
    );
    assert_eq!(device(&devices, "HV00001")["hostname"], "a");
}

async fn the_preview_shows_mapping_and_problems(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let (status, preview) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", "Serial Number;PID;Rack\nA1;C9300;r1\n;C9300;r2\n")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["delimiter"], "semicolon");
    assert_eq!(
        preview["columns"][0],
        json!({"header": "Serial Number", "field": "serial_number"})
    );
    assert_eq!(
        preview["columns"][2],
        json!({"header": "Rack", "field": null})
    );
    assert_eq!(preview["rows"][0]["problem"], Value::Null);
    assert!(preview["rows"][1]["problem"]
        .as_str()
        .unwrap()
        .starts_with("missing serial number"));
    let (_, refused) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", "hostname,site\nx,y\n")],
        )
        .await;
    assert!(
        refused["problem"]
            .as_str()
            .unwrap()
            .contains("no `serial_number` column"),
        "{refused}"
    );
    // Previews never count as uploads.
    assert_eq!(quota_used(&app).await, 0);
}

async fn columns_chosen_in_the_preview_are_used_and_remembered(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let mut ben = login(&app, "ben.user").await;
    let sample = "Asset Tag;Hardware Model;Device\nAT0001;C9300-48P;sw-1\nAT0002;C9300-48P;sw-2\n";
    // Nothing names the serial number: the columns are shown with what each seems to hold.
    let (status, guessed) = ben
        .call(PreviewInventory::PATH, &[("sample", sample)])
        .await;
    assert_eq!(status, StatusCode::OK, "{guessed}");
    assert!(guessed["problem"]
        .as_str()
        .unwrap()
        .contains("no `serial_number` column"));
    assert_eq!(
        guessed["columns"][0],
        json!({"header": "Asset Tag", "field": null})
    );
    assert_eq!(guessed["columns"][2]["field"], "hostname");
    assert_eq!(guessed["column_choice"], ",,hostname");
    assert_eq!(guessed["column_source"], "Guessed");

    let choice = "serial_number,product_id,hostname";
    let (_, chosen) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", sample), ("columns", choice)],
        )
        .await;
    assert_eq!(chosen["problem"], Value::Null, "{chosen}");
    assert_eq!(chosen["column_source"], "Chosen");
    assert_eq!(chosen["rows"][1]["values"][0], "AT0002");
    let (status, refused) = ben
        .call(
            PreviewInventory::PATH,
            &[("sample", sample), ("columns", "serial_number,colour,")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused
        .to_string()
        .contains("`colour` is not a column NetCare reads"));

    // The upload reads the file as chosen, and the company's next file like it is read so too.
    let done = upload_outcome(
        &ben,
        &format!("assets.csv&columns={choice}"),
        sample.as_bytes(),
    )
    .await;
    assert_eq!(done["summary"]["accepted"], 2, "{done}");
    let (_, remembered) = ben
        .call(PreviewInventory::PATH, &[("sample", sample)])
        .await;
    assert_eq!(remembered["problem"], Value::Null, "{remembered}");
    assert_eq!(remembered["column_source"], "Remembered");
    assert_eq!(remembered["column_choice"], choice);
    // A choice that does not fit the file refuses it whole, saying so, and uses no upload.
    let refused = upload_outcome(&ben, "x.csv&columns=serial_number", sample.as_bytes()).await;
    assert_eq!(refused["stage"], "failed", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("The file has 3 columns, and a choice was made for 1"),
        "{refused}"
    );
    assert_eq!(quota_used(&app).await, 1);
}

async fn excel_workbooks_upload_as_their_first_sheet(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let ben = login(&app, "ben.user").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (column, header) in ["Serial Number", "PID", "Host Name"].iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "FOC2101A0AA").unwrap();
    sheet.write_string(1, 1, "C9300-48P").unwrap();
    sheet.write_string(1, 2, "core-1").unwrap();
    // A serial typed as a number stays whole (a CSV export would have written 4.56789E+11).
    sheet.write_number(2, 0, 456_789_012_345.0).unwrap();
    sheet.write_string(2, 1, "C9300-48P").unwrap();
    let workbook = book.save_to_buffer().unwrap();

    let mut request = Request::post("/api/inventory/preview-workbook")
        .header("host", "netcare.test")
        .header("origin", PUBLIC_URL)
        .header("content-type", "application/octet-stream");
    if let Some(cookie) = &ben.cookie {
        request = request.header("cookie", cookie);
    }
    let response = app
        .send(request.body(Body::from(workbook.clone())).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(preview["problem"], Value::Null, "{preview}");
    assert_eq!(
        preview["columns"][2],
        json!({"header": "Host Name", "field": "hostname"})
    );
    assert_eq!(preview["rows"][1]["values"][0], "456789012345");
    assert_eq!(quota_used(&app).await, 0, "a preview is no upload");

    let done = upload_outcome(&ben, "inventory.xlsx", &workbook).await;
    assert_eq!(done["summary"]["accepted"], 2, "{done}");
    assert_eq!(done["summary"]["coverage"]["covered"], 1, "{done}");
    assert_eq!(done["summary"]["file_name"], "inventory.xlsx");
    // Collectors may send a workbook too.
    let token = token_for(&app, "NW-1001", "xlsx").await;
    let (status, summary) =
        api_post(&app, &token, "source=third_party", "text/csv", workbook).await;
    assert_eq!(status, StatusCode::CREATED, "{summary}");
    // A broken workbook is refused whole, saying what it looks like.
    let refused = refusal_message(&ben, "broken.xlsx", b"PK\x03\x04not really").await;
    assert!(
        refused.contains("looks like an Excel workbook"),
        "{refused}"
    );
}

async fn files_refused_whole_change_nothing(backend: Backend) {
    let app = demo_app(backend, |_| {}).await;
    let dana = login(&app, "dana.admin").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let cases: [(&[u8], &str); 6] = [
        (png, "This is not a CSV file: it looks like a PNG image."),
        (b"PK\x03\x04\x14\0\0\0", "Excel workbook"),
        (b"", "The file is empty"),
        (
            b"serial_number,product_id\n",
            "The file has a header row but no devices.",
        ),
        (b"hostname,ip\nx,1.1.1.1\n", "no `serial_number` column"),
        (
            b"serial_number,product_id\n,\n,C1\n",
            "No device was accepted",
        ),
    ];
    for (bytes, expected) in cases {
        let message = refusal_message(&dana, "renamed.csv", bytes).await;
        assert!(
            message.contains(expected),
            "{message} should say {expected}"
        );
    }
    let nothing = upload_outcome(&dana, "x.csv", b"serial_number,product_id\n,C1\n").await;
    assert_eq!(nothing["status"], 422);
    assert_eq!(nothing["error"]["rejected_rows"][0]["line"], 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM uploads").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM devices").await, 0);
    assert_eq!(quota_used(&app).await, 0);
}
