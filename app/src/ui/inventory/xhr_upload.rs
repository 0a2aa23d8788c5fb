//! Sending a file with `XMLHttpRequest`, the one browser API that reports upload progress, and
//! following the server's NDJSON answer as it arrives.

use leptos::{
    prelude::*,
    wasm_bindgen::{closure::Closure, JsCast},
};
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use super::upload_answer::{phase_of_answer, refusal, UploadFailure, UploadPhase};

/// Starts uploading `file`; `phase` follows it to the end.
/// `columns` is what each column holds, as the preview showed it.
pub fn send_inventory_file(file: File, columns: &str, phase: WriteSignal<UploadPhase>) {
    let Ok(xhr) = XmlHttpRequest::new() else {
        phase.set(UploadPhase::Failed(UploadFailure::new(
            "This browser cannot upload files.",
        )));
        return;
    };
    let name: String = web_sys::js_sys::encode_uri_component(&file.name()).into();
    let columns: String = web_sys::js_sys::encode_uri_component(columns).into();
    if xhr
        .open_with_async(
            "POST",
            &format!("/api/inventory/upload?file_name={name}&columns={columns}"),
            true,
        )
        .is_err()
    {
        phase.set(UploadPhase::Failed(UploadFailure::new(
            "The upload could not start.",
        )));
        return;
    }
    let _ = xhr.set_request_header("Content-Type", "text/csv");
    let total = file.size();
    phase.set(UploadPhase::Sending { sent: 0.0, total });

    if let Ok(upload) = xhr.upload() {
        let on_sent = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            phase.set(UploadPhase::Sending {
                sent: event.loaded(),
                total,
            });
        });
        upload.set_onprogress(Some(on_sent.as_ref().unchecked_ref()));
        on_sent.forget();
    }
    let reader = xhr.clone();
    let on_answer = Closure::<dyn FnMut(ProgressEvent)>::new(move |_| {
        if reader.status().unwrap_or(0) == 200 {
            let text = reader.response_text().ok().flatten().unwrap_or_default();
            if let Some(next) = phase_of_answer(&text, false) {
                phase.set(next);
            }
        }
    });
    xhr.set_onprogress(Some(on_answer.as_ref().unchecked_ref()));
    on_answer.forget();
    let finisher = xhr.clone();
    let on_end = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        let status = finisher.status().unwrap_or(0);
        let text = finisher.response_text().ok().flatten().unwrap_or_default();
        let end = if status == 200 {
            phase_of_answer(&text, true).unwrap_or_else(|| refusal(0, ""))
        } else {
            refusal(status, &text)
        };
        phase.set(end);
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    if xhr.send_with_opt_blob(Some(&file)).is_err() {
        phase.set(UploadPhase::Failed(UploadFailure::new(
            "The upload could not start.",
        )));
    }
}

/// Offers `text` as a file download named `file_name`.
pub fn download_text(file_name: &str, text: &str, mime: &str) {
    let parts = web_sys::js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = document();
    if let Ok(link) = document.create_element("a") {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", file_name);
        if let Some(body) = document.body() {
            let _ = body.append_child(&link);
            if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
                link.click();
            }
            let _ = body.remove_child(&link);
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Sends `file` as the body of a POST to `url` and waits for the answer: its status (0 when the
/// server could not be reached) and text.
pub async fn post_file(url: &str, file: &File) -> (u16, String) {
    let Ok(xhr) = XmlHttpRequest::new() else {
        return (0, String::new());
    };
    if xhr.open_with_async("POST", url, true).is_err() {
        return (0, String::new());
    }
    let _ = xhr.set_request_header("Content-Type", "application/octet-stream");
    let ended = web_sys::js_sys::Promise::new(&mut |resolve, _reject| {
        let on_end = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&leptos::wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_end.unchecked_ref()));
    });
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        return (0, String::new());
    }
    let _ = wasm_bindgen_futures::JsFuture::from(ended).await;
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    (status, text)
}
