import Foundation
import GRDB
import YearCore

/// What ОО-1 is asked of one school: its year, the day counted and the day ages are counted on.
public struct OO1Request: Sendable {
    /// The school, its year, the day counted and the day ages are counted on.
    public var school: String, year: AcademicYear, day: CalendarDate, ageOn: CalendarDate

    /// A request with every field given.
    public init(school: String, year: AcademicYear, day: CalendarDate, ageOn: CalendarDate) {
        self.school = school
        self.year = year
        self.day = day
        self.ageOn = ageOn
    }
}

extension YearDatabase {
    /// The groups ОО-1 is summed from, for each request in one read transaction: the students of the school in a
    /// class of the year at the end of the day (exactly those the movement book counts at the end of a period
    /// ending that day), by grade, class, sex, age in full years on `ageOn`, whether they entered the year by a
    /// retention (repeating the grade, in whatever class now) and whether an adapted-programme order took effect for
    /// them by the day. One
    /// grouped statement per school, its adapted students found once (not per student).
    public func oo1Counts(_ requests: [OO1Request]) async throws -> [[OO1Report.Count]] {
        try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    WITH e AS (\(Self.enrollmentSpans) AND en.year_id = :year)
                    SELECT c.grade, e.class_name, s.gender = 'F' AS girl,
                        :age_year - CAST(substr(s.birth_date, 1, 4) AS INTEGER)
                            - (substr(s.birth_date, 6, 5) > :age_day) AS age,
                        EXISTS (SELECT 1 FROM enrollment r WHERE r.school_id = e.school_id
                            AND r.student_id = e.student_id AND r.year_id = e.year_id
                            AND r.opened_by = 'retention') AS repeater,
                        e.student_id IN (SELECT student_id FROM school_order WHERE school_id = :school
                            AND kind = 'adapted_programme' AND effective_on <= :day) AS adapted,
                        count(*) AS students
                    FROM e JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
                        JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                    WHERE \(Self.presentAt(":day"))
                    GROUP BY c.grade, e.class_name, girl, age, repeater, adapted
                    """)
            return try requests.map { request in
                try Row.fetchAll(
                    statement,
                    arguments: [
                        "school": request.school, "year": request.year.id, "day": request.day.description,
                        "age_year": request.ageOn.year, "age_day": String(request.ageOn.description.dropFirst(5)),
                    ]
                ).map { row in
                    OO1Report.Count(
                        grade: row["grade"], className: row["class_name"], girl: row["girl"], age: row["age"],
                        repeater: row["repeater"], adapted: row["adapted"], students: row["students"])
                }
            }
        }
    }

    /// ОО-1's groups of one school (see `oo1Counts(_:)`).
    public func oo1Counts(school: String, year: AcademicYear, on day: CalendarDate, ageOn: CalendarDate) async throws
        -> [OO1Report.Count]
    {
        try await oo1Counts([OO1Request(school: school, year: year, day: day, ageOn: ageOn)])[0]
    }
}
