mod copy_button;
mod form_error;
mod load_error;
mod new_password_field;
mod text_field;

pub use copy_button::CopyButton;
pub use form_error::FormError;
pub use load_error::LoadError;
pub use new_password_field::NewPasswordField;
pub use text_field::TextField;
