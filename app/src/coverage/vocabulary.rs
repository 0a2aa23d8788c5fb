//! The words coverage is told in: a device's status, why a device is not covered, and what started
//! a period of coverage. Each is listed once, here: stored, filtered on and sent to API clients as
//! its `as_str`, shown to people as its `label`.

use serde::{Deserialize, Serialize};

/// An enum of codes with labels, stored as text (sqlx and rusqlite read and write the code; a
/// code the database should never hold is a decoding error, not a silent default).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$variant_meta:meta])* $variant:ident = $code:literal, $label:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in the order people read them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// As stored, filtered on and sent to API clients.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The value `code` names (as `as_str` writes it), if any.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The API document's schema: the codes (a derive would see the variants' names, as the
        /// codes reach it through this macro).
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
        }

        #[cfg(feature = "ssr")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <String as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <String as sqlx::Decode<sqlx::Any>>::decode(value)?;
                $name::parse(&code).ok_or_else(|| {
                    format!(concat!("not a ", stringify!($name), ": {:?}"), code).into()
                })
            }
        }

        #[cfg(feature = "ssr")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Any>>::encode(self.as_str(), buf)
            }
        }

        #[cfg(feature = "ssr")]
        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let code = value.as_str()?;
                $name::parse(code).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!(concat!("not a ", stringify!($name), ": {:?}"), code).into(),
                    )
                })
            }
        }
    };
}

vocabulary!(
    /// Where a device's coverage stands.
    Status {
        Covered = "covered", "Covered";
        /// Covered, by a line that ends within the expiring window.
        Expiring = "expiring", "Expiring soon";
        /// Only lines that start later.
        Future = "future", "Starting later";
        /// Only lines that have ended.
        Expired = "expired", "Expired";
        NotCovered = "not_covered", "Not covered";
    }
);

vocabulary!(
    /// Why a not-covered device is not covered.
    ReasonCode {
        /// The registry does not know this serial number (or MAC address).
        UnknownSerial = "unknown_serial", "Unknown serial number";
        /// The registry knows the serial under another product ID.
        PidMismatch = "pid_mismatch", "Serial known under another PID";
    }
);

vocabulary!(
    /// What started a period of a device's coverage.
    Cause {
        /// An upload of the company's inventory.
        Upload = "upload", "on upload";
        /// A change to the vendor's registry.
        Registry = "registry", "after a registry change";
        /// *Refresh coverage now*.
        Refresh = "refresh", "on a refresh";
        /// The company corrected the device's product ID.
        Correction = "correction", "when its product ID was corrected";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_reads_back_as_itself() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
            assert_eq!(
                serde_json::to_string(status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
        for reason in ReasonCode::ALL {
            assert_eq!(ReasonCode::parse(reason.as_str()), Some(*reason));
        }
        for cause in Cause::ALL {
            assert_eq!(Cause::parse(cause.as_str()), Some(*cause));
        }
        assert_eq!(Status::parse("Covered"), None);
        assert_eq!(Status::parse("x' OR 1=1 --"), None);
    }
}
