//! Reading the Library as a signed-in person does.

use app::library::{DeviceFilter, DevicePage, LoadLibraryDevices};

use super::Browser;

/// One page of the devices the filter set up by `choose` selects, from `offset`.
pub async fn page_of(
    browser: &mut Browser<'_>,
    choose: impl FnOnce(&mut DeviceFilter),
    offset: u64,
) -> DevicePage {
    let mut filter = DeviceFilter::default();
    choose(&mut filter);
    browser
        .run(LoadLibraryDevices { filter, offset })
        .await
        .unwrap_or_else(|(status, error)| panic!("{status}: {error}"))
}

/// The first page of the devices the filter set up by `choose` selects.
pub async fn page(browser: &mut Browser<'_>, choose: impl FnOnce(&mut DeviceFilter)) -> DevicePage {
    page_of(browser, choose, 0).await
}
