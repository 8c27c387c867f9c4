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

extension YearDatabase {
    /// The orders of `school` in `years` as documents (`number` and `kind` narrow them), each with its students
    /// by class and name: one statement over the orders' rows, grouped here by number and kind.
    public func orderDocuments(school: String, years: [AcademicYear], number: String?, kind: OrderKind?)
        async throws -> [OrderDocument]
    {
        let labels = Dictionary(years.map { ($0.id, $0.label.description) }) { first, _ in first }
        let ids = JSONValue.array(years.map { .int($0.id) }).canonicalText
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.order_no, o.order_date, o.kind, o.year_id, o.student_id, o.class_from, o.class_to,
                        o.effective_on, o.basis, o.destination, o.basis_order_no, o.basis_order_date,
                        coalesce(s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, ''),
                            o.student_id) AS name
                    FROM school_order o
                        LEFT JOIN student s ON s.school_id = o.school_id AND s.id = o.student_id
                    WHERE o.school_id = :school AND o.year_id IN (SELECT value FROM json_each(:years))
                        AND (:number IS NULL OR o.order_no = :number) AND (:kind IS NULL OR o.kind = :kind)
                    ORDER BY min(o.order_date) OVER (PARTITION BY o.order_no), o.order_no, o.kind,
                        CAST(coalesce(o.class_from, o.class_to) AS INTEGER), coalesce(o.class_from, o.class_to),
                        name, o.student_id
                    """,
                arguments: ["school": school, "years": ids, "number": number, "kind": kind?.rawValue])
            var documents: [OrderDocument] = []
            for row in rows {
                let student = OrderStudent(
                    id: row["student_id"], name: row["name"], classFrom: row["class_from"], classTo: row["class_to"],
                    effectiveOn: row["effective_on"], destination: row["destination"], basis: row["basis"])
                let number: String = row["order_no"]
                let kind = OrderKind(rawValue: row["kind"]) ?? .enrollment
                // One number may carry several kinds (a rollover numbering every kind alike): a document each.
                if let last = documents.indices.last, documents[last].number == number, documents[last].kind == kind {
                    documents[last].students.append(student)
                    documents[last].effectiveFrom = min(documents[last].effectiveFrom, student.effectiveOn)
                    documents[last].effectiveTo = max(documents[last].effectiveTo, student.effectiveOn)
                    if documents[last].basis != student.basis { documents[last].basis = nil }
                    continue
                }
                let yearID: Int64 = row["year_id"]
                documents.append(
                    OrderDocument(
                        number: number, date: row["order_date"],
                        kind: kind,
                        effectiveFrom: student.effectiveOn, effectiveTo: student.effectiveOn, basis: row["basis"],
                        basisOrderNo: row["basis_order_no"], basisOrderDate: row["basis_order_date"],
                        year: labels[yearID] ?? "", students: [student]))
            }
            return documents
        }
    }

    /// Records in the audit chain that `caller` produced a report naming persons (152-FZ: who saw whose data):
    /// the report's kind, school, period or filter and how many persons it names, never the names themselves.
    public func recordReport(
        caller: Caller, role: Role, school: String, report: String, details: [String: JSONValue], now: Date = Date()
    ) async throws {
        var details = details
        details["report"] = .string(report)
        try await write { [details] db in
            _ = try Self.appendAudit(
                AuditEvent(
                    caller: caller, role: role.rawValue, school: school, action: .reportGenerate,
                    target: "report:\(report)", details: .object(details)),
                at: now, in: db)
        }
    }
}
