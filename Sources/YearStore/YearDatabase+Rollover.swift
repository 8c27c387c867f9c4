import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// What a rollover plan of `year` is computed from, read in one snapshot: the school, the year's classes, and its
    /// active students with their class, grade and recorded decision. Set-based: three queries whatever the size.
    public func rolloverInput(of year: AcademicYear, overrides: [String: String] = [:]) async throws -> RolloverInput {
        try await pool.read { db in
            guard
                let school = try Row.fetchOne(db, sql: "SELECT * FROM school WHERE id = ?", arguments: [year.school])
                    .flatMap(Records.school)
            else { throw YearError.schoolNotFound(school: year.school) }
            let classes = try String.fetchAll(
                db, sql: "SELECT name FROM school_class WHERE year_id = ? ORDER BY grade, letter", arguments: [year.id])
            let students = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') AS name,
                        e.class_name, c.grade, d.outcome, d.debts, d.deadline, d.target_class
                    FROM enrollment e
                    JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
                    JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                    LEFT JOIN decision d ON d.year_id = e.year_id AND d.student_id = e.student_id
                    WHERE e.year_id = :year AND e.school_id = :school AND e.to_date IS NULL
                    """, arguments: ["year": year.id, "school": year.school]
            ).map { row in
                RolloverInput.Student(
                    id: row["id"], name: row["name"], className: row["class_name"], grade: row["grade"],
                    outcome: (row["outcome"] as String?).flatMap(PromotionOutcome.init(rawValue:)),
                    debts: row["debts"], deadline: row["deadline"], targetClass: row["target_class"])
            }
            return RolloverInput(
                school: school, year: year.label, classes: classes, students: students, overrides: overrides)
        }
    }
}
