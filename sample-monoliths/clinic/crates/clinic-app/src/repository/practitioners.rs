//! Queries on `practitioners`, `specialties` and `working_hours`.

use diesel::prelude::*;
use diesel::PgConnection;

use crate::models::practitioner::{
    NewPractitioner, NewWorkingHours, Practitioner, Specialty, WorkingHours,
};
use crate::schema::{practitioners, specialties, working_hours};

pub fn find_by_id(conn: &mut PgConnection, practitioner_id: i32) -> QueryResult<Practitioner> {
    practitioners::table
        .find(practitioner_id)
        .select(Practitioner::as_select())
        .first(conn)
}

pub fn find_with_specialty(
    conn: &mut PgConnection,
    practitioner_id: i32,
) -> QueryResult<(Practitioner, Specialty)> {
    practitioners::table
        .inner_join(specialties::table)
        .filter(practitioners::id.eq(practitioner_id))
        .select((Practitioner::as_select(), Specialty::as_select()))
        .first(conn)
}

pub fn list_active(conn: &mut PgConnection, specialty: Option<&str>) -> QueryResult<Vec<(Practitioner, Specialty)>> {
    let mut query = practitioners::table
        .inner_join(specialties::table)
        .filter(practitioners::active.eq(true))
        .select((Practitioner::as_select(), Specialty::as_select()))
        .into_boxed();
    if let Some(name) = specialty {
        query = query.filter(specialties::name.ilike(name));
    }
    query.order(practitioners::full_name.asc()).load::<(Practitioner, Specialty)>(conn)
}

pub fn insert(conn: &mut PgConnection, new_practitioner: &NewPractitioner) -> QueryResult<Practitioner> {
    diesel::insert_into(practitioners::table)
        .values(new_practitioner)
        .returning(Practitioner::as_returning())
        .get_result(conn)
}

pub fn set_active(conn: &mut PgConnection, practitioner_id: i32, is_active: bool) -> QueryResult<usize> {
    diesel::update(practitioners::table.find(practitioner_id))
        .set(practitioners::active.eq(is_active))
        .execute(conn)
}

pub fn specialty_exists(conn: &mut PgConnection, specialty_id: i32) -> QueryResult<bool> {
    specialties::table
        .find(specialty_id)
        .select(specialties::id)
        .first::<i32>(conn)
        .optional()
        .map(|found| found.is_some())
}

pub fn working_hours_for(conn: &mut PgConnection, practitioner: &Practitioner) -> QueryResult<Vec<WorkingHours>> {
    WorkingHours::belonging_to(practitioner)
        .select(WorkingHours::as_select())
        .order((working_hours::weekday.asc(), working_hours::starts_at.asc()))
        .load(conn)
}

/// Replaces the whole weekly schedule of a practitioner.
pub fn replace_working_hours(
    conn: &mut PgConnection,
    practitioner_id: i32,
    blocks: &[NewWorkingHours],
) -> QueryResult<Vec<WorkingHours>> {
    conn.transaction(|conn| {
        diesel::delete(working_hours::table.filter(working_hours::practitioner_id.eq(practitioner_id)))
            .execute(conn)?;
        diesel::insert_into(working_hours::table)
            .values(blocks)
            .returning(WorkingHours::as_returning())
            .get_results(conn)
    })
}
