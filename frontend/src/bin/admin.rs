fn main() {
    frontend::start(app::AdminApp);
}
