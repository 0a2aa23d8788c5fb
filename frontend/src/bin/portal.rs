fn main() {
    frontend::start(app::PortalApp);
}
