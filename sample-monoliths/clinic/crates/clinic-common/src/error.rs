//! The error type returned by services and rendered by the HTTP layer.

use std::fmt;

use actix_web::error::BlockingError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::r2d2::PoolError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

#[derive(Debug)]
pub enum ClinicError {
    NotFound(String),
    Validation(String),
    Conflict(String),
    Forbidden(String),
    Gateway(String),
    Database(DieselError),
    Pool(PoolError),
    Io(std::io::Error),
    Blocking,
}

pub type ClinicResult<T> = Result<T, ClinicError>;

impl ClinicError {
    pub fn not_found(what: &str, id: impl fmt::Display) -> Self {
        ClinicError::NotFound(format!("{what} {id} not found"))
    }

    pub fn validation(message: impl Into<String>) -> Self {
        ClinicError::Validation(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ClinicError::Conflict(message.into())
    }

    fn kind(&self) -> &'static str {
        match self {
            ClinicError::NotFound(_) => "not_found",
            ClinicError::Validation(_) => "validation",
            ClinicError::Conflict(_) => "conflict",
            ClinicError::Forbidden(_) => "forbidden",
            ClinicError::Gateway(_) => "gateway",
            ClinicError::Database(_) | ClinicError::Pool(_) => "database",
            ClinicError::Io(_) | ClinicError::Blocking => "internal",
        }
    }
}

impl fmt::Display for ClinicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClinicError::NotFound(msg)
            | ClinicError::Validation(msg)
            | ClinicError::Conflict(msg)
            | ClinicError::Forbidden(msg) => f.write_str(msg),
            ClinicError::Gateway(msg) => write!(f, "upstream gateway failed: {msg}"),
            ClinicError::Database(err) => write!(f, "database error: {err}"),
            ClinicError::Pool(err) => write!(f, "connection pool error: {err}"),
            ClinicError::Io(err) => write!(f, "i/o error: {err}"),
            ClinicError::Blocking => f.write_str("background task was cancelled"),
        }
    }
}

impl std::error::Error for ClinicError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClinicError::Database(err) => Some(err),
            ClinicError::Pool(err) => Some(err),
            ClinicError::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<DieselError> for ClinicError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => ClinicError::NotFound("record not found".to_string()),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                ClinicError::Conflict(info.message().to_string())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                ClinicError::Validation(info.message().to_string())
            }
            other => ClinicError::Database(other),
        }
    }
}

impl From<PoolError> for ClinicError {
    fn from(err: PoolError) -> Self {
        ClinicError::Pool(err)
    }
}

impl From<std::io::Error> for ClinicError {
    fn from(err: std::io::Error) -> Self {
        ClinicError::Io(err)
    }
}

impl From<BlockingError> for ClinicError {
    fn from(_: BlockingError) -> Self {
        ClinicError::Blocking
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
}

impl ResponseError for ClinicError {
    fn status_code(&self) -> StatusCode {
        match self {
            ClinicError::NotFound(_) => StatusCode::NOT_FOUND,
            ClinicError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ClinicError::Conflict(_) => StatusCode::CONFLICT,
            ClinicError::Forbidden(_) => StatusCode::FORBIDDEN,
            ClinicError::Gateway(_) => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            log::error!("request failed: {self}");
        }
        HttpResponse::build(status).json(ErrorBody {
            error: self.kind(),
            message: self.to_string(),
        })
    }
}
