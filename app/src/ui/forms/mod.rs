mod form_error;
mod text_field;

pub use form_error::FormError;
pub use text_field::TextField;
