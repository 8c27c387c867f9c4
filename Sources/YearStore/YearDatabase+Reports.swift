import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// The groups ОО-1 is summed from: the students of `school` in a class of `year` at the end of `day` (exactly
    /// those the movement book counts at the end of a period ending that day), by grade, class, sex, age in full
    /// years on `ageOn`, whether their enrollment continues a retention (repeating the grade) and whether an
    /// adapted-programme order took effect for them by `day`. One statement, grouped in SQLite.
    public func oo1Counts(school: String, year: AcademicYear, on day: CalendarDate, ageOn: CalendarDate) async throws
        -> [OO1Report.Count]
    {
        let ageDay = String(ageOn.description.dropFirst(5))
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH e AS (\(Self.enrollmentSpans) AND en.year_id = :year)
                    SELECT c.grade, e.class_name, s.gender = 'F' AS girl,
                        :age_year - CAST(substr(s.birth_date, 1, 4) AS INTEGER)
                            - (substr(s.birth_date, 6, 5) > :age_day) AS age,
                        e.opened_by = 'retention' AS repeater,
                        EXISTS (SELECT 1 FROM school_order o WHERE o.school_id = e.school_id
                            AND o.student_id = e.student_id AND o.kind = 'adapted_programme'
                            AND o.effective_on <= :day) AS adapted,
                        count(*) AS students
                    FROM e JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
                        JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                    WHERE \(Self.presentAt(":day"))
                    GROUP BY c.grade, e.class_name, girl, age, repeater, adapted
                    """,
                arguments: [
                    "school": school, "year": year.id, "day": day.description, "age_year": ageOn.year,
                    "age_day": ageDay,
                ]
            ).map { row in
                OO1Report.Count(
                    grade: row["grade"], className: row["class_name"], girl: row["girl"], age: row["age"],
                    repeater: row["repeater"], adapted: row["adapted"], students: row["students"])
            }
        }
    }
}
