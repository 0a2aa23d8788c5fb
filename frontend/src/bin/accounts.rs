fn main() {
    frontend::start(app::AccountsApp);
}
