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
    /// The groups ОО-1 is summed from, for each request: the students of the school in a class of the year at the
    /// end of the day (exactly those the movement book counts at the end of a period ending that day), by grade,
    /// class, sex, age in full years on `ageOn`, whether they entered the year by a retention (repeating the grade, in
    /// whatever class now) and whether an adapted-programme order took effect for them by the day. One grouped
    /// statement over the schools asked (the requests travel as JSON), its repeaters and adapted students found once
    /// for all (not per student), the classes' grades joined to the groups rather than to every student.
    ///
    /// Many schools are split into as many parts as the machine has cores, each counted by its own statement on a
    /// reader connection of its own at the same time (a region's 1,000 schools: 7 s on one core, 4 s on two;
    /// docs/benchmarks.md). Each school is counted whole in one read transaction; two parts may see the database
    /// a moment apart, as two schools' reports asked one after the other would. `parts` sets the number of parts (at most one a school; tests).
    public func oo1Counts(_ requests: [OO1Request], parts: Int? = nil) async throws -> [[OO1Report.Count]] {
        let width =
            parts.map { min($0, requests.count) }
            ?? min(
                ProcessInfo.processInfo.activeProcessorCount, requests.count / Self.oo1SchoolsPerPart,
                // A reader is left for everyone else (status calls, the watchdog's audit head).
                pool.configuration.maximumReaderCount - 1)
        guard width > 1 else { return try await oo1Part(requests) }
        let size = (requests.count + width - 1) / width
        let parts = stride(from: 0, to: requests.count, by: size).map {
            Array(requests[$0..<min($0 + size, requests.count)])
        }
        return try await withThrowingTaskGroup(of: (Int, [[OO1Report.Count]]).self) { group in
            for (index, part) in parts.enumerated() {
                group.addTask { (index, try await self.oo1Part(part)) }
            }
            var counted = [[[OO1Report.Count]]](repeating: [], count: parts.count)
            for try await (index, counts) in group { counted[index] = counts }
            return counted.flatMap { $0 }
        }
    }

    /// The fewest schools worth a part of their own in `oo1Counts(_:)`: below it a second statement costs more than
    /// it saves.
    static let oo1SchoolsPerPart = 20

    /// `oo1Counts(_:)` of `requests` in one statement.
    private func oo1Part(_ requests: [OO1Request]) async throws -> [[OO1Report.Count]] {
        let asked = Self.oo1Requests(requests.map { ($0.school, $0.year.id, $0.day, $0.ageOn) })
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: Self.oo1Statement, arguments: ["requests": asked])
            var counts: [String: [OO1Report.Count]] = [:]
            for row in rows {
                counts[row[0], default: []].append(
                    OO1Report.Count(
                        grade: row[1], className: row[2], girl: row[3], age: row[4], repeater: row[5],
                        adapted: row[6], students: row[7]))
            }
            return requests.map { counts[$0.school] ?? [] }
        }
    }

    /// The requests of `oo1Statement` as the JSON it reads: per school its id, year id, day counted, and the year
    /// and `MM-DD` of the day ages are counted on.
    static func oo1Requests(_ requests: [(school: String, year: Int64, day: CalendarDate, ageOn: CalendarDate)])
        -> String
    {
        JSONValue.array(
            requests.map { request in
                .array([
                    .string(request.school), .int(request.year), .string(request.day.description),
                    .int(Int64(request.ageOn.year)), .string(String(request.ageOn.description.dropFirst(5))),
                ])
            }
        ).canonicalText
    }

    /// ОО-1's statement over the schools of `:requests` (`oo1Requests(_:)`): school, grade, class, girl, age,
    /// repeater, adapted, students.
    static let oo1Statement = """
        WITH r AS MATERIALIZED (
            SELECT value ->> 0 AS school, value ->> 1 AS year, value ->> 2 AS day,
                value ->> 3 AS age_year, value ->> 4 AS age_day
            FROM json_each(:requests)),
        e AS (\(enrollmentSpans(where: "en.year_id IN (SELECT year FROM r)"))),
        repeaters AS MATERIALIZED (
            SELECT en.school_id, en.student_id FROM enrollment en JOIN r ON en.year_id = r.year
            WHERE en.opened_by = 'retention'),
        adapted AS MATERIALIZED (
            SELECT o.school_id, o.student_id FROM school_order o JOIN r ON o.school_id = r.school
            WHERE o.kind = 'adapted_programme' AND o.effective_on <= r.day)
        SELECT g.school, c.grade, g.class_name, g.girl, g.age, g.repeater, g.adapted, g.students FROM (
            SELECT e.school_id AS school, e.year_id, e.class_name, s.gender = 'F' AS girl,
                r.age_year - CAST(substr(s.birth_date, 1, 4) AS INTEGER)
                    - (substr(s.birth_date, 6, 5) > r.age_day) AS age,
                (e.school_id, e.student_id) IN repeaters AS repeater,
                (e.school_id, e.student_id) IN adapted AS adapted, count(*) AS students
            FROM e JOIN r ON r.year = e.year_id AND r.school = e.school_id
                JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
            WHERE \(presentAt("r.day"))
            GROUP BY e.year_id, e.class_name, girl, age, repeater, adapted) g
        JOIN school_class c ON c.year_id = g.year_id AND c.name = g.class_name
        """

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

extension YearDatabase {
    /// The summary sheet of `school`'s `year` (one class with `group`): per class the students who finished the
    /// year in it (their last enrollment of the year is in it and no departure ended it: open, continued or
    /// graduated), the subjects of its curriculum (general and of its profile) and any other subject they have a
    /// year grade in, their year grades and the decision. Four statements in one read transaction, none per student.
    public func summarySheet(school: String, year: AcademicYear, group: String?) async throws -> [SummaryClass] {
        let kept = OrderKind.sqlList(OrderKind.continuations + [.graduation])
        return try await pool.read { db in
            let arguments: StatementArguments = ["school": school, "year": year.id, "class": group]
            let subjects = try Row.fetchAll(
                db, sql: "SELECT id, name FROM subject WHERE school_id = :school ORDER BY rowid", arguments: arguments
            ).map { SummarySubject(id: $0["id"], name: $0["name"]) }
            let order = Dictionary(subjects.enumerated().map { ($1.id, $0) }) { first, _ in first }
            // Debts are free text, usually subject ids ("math; physics"): each id that names a subject is its name.
            func debts(_ text: String?) -> String? {
                text.map { text in
                    text.split(whereSeparator: { $0 == "," || $0 == ";" }).map { part in
                        let token = part.trimmingCharacters(in: .whitespaces)
                        return order[token].map { subjects[$0].name } ?? token
                    }.joined(separator: ", ")
                }
            }
            var planned: [String: Set<String>] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT c.name, cu.subject_id FROM school_class c
                        JOIN curriculum cu ON cu.year_id = c.year_id AND cu.grade = c.grade
                            AND cu.profile IN ('', coalesce(c.profile, ''))
                    WHERE c.year_id = :year AND (:class IS NULL OR c.name = :class)
                    """, arguments: arguments)
            {
                planned[row["name"], default: []].insert(row["subject_id"])
            }
            var grades: [String: [String: String]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT student_id, subject_id, grade FROM final_grade
                    WHERE year_id = :year AND school_id = :school AND period = 'year'
                    """, arguments: arguments)
            {
                grades[row["student_id"], default: [:]][row["subject_id"]] = row["grade"]
            }
            var classes: [SummaryClass] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    WITH last AS (
                        SELECT student_id, class_name, closed_by, row_number() OVER (
                            PARTITION BY student_id ORDER BY from_date DESC, id DESC) AS n
                        FROM enrollment WHERE school_id = :school AND year_id = :year)
                    SELECT c.name AS class_name, c.grade, c.profile,
                        t.last_name || ' ' || t.first_name || coalesce(' ' || t.middle_name, '') AS teacher,
                        l.student_id, s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') AS name,
                        d.outcome, d.order_no, d.order_date, d.debts
                    FROM last l
                        JOIN school_class c ON c.year_id = :year AND c.name = l.class_name
                        JOIN student s ON s.school_id = :school AND s.id = l.student_id
                        LEFT JOIN staff t ON t.school_id = :school AND t.id = c.class_teacher_id
                        LEFT JOIN decision d ON d.year_id = :year AND d.student_id = l.student_id
                    WHERE l.n = 1 AND (l.closed_by IS NULL OR l.closed_by IN \(kept))
                        AND (:class IS NULL OR l.class_name = :class)
                    ORDER BY c.grade, c.letter, name, l.student_id
                    """, arguments: arguments)
            {
                let id: String = row["student_id"]
                let outcome: String? = row["outcome"]
                let student = SummaryStudent(
                    id: id, name: row["name"], grades: grades[id] ?? [:],
                    outcome: outcome.flatMap(PromotionOutcome.init(rawValue:)), orderNo: row["order_no"],
                    orderDate: row["order_date"], debts: debts(row["debts"]))
                let name: String = row["class_name"]
                if let last = classes.indices.last, classes[last].class == name {
                    classes[last].students.append(student)
                } else {
                    classes.append(
                        SummaryClass(
                            class: name, grade: row["grade"], profile: row["profile"], teacher: row["teacher"],
                            subjects: [], students: [student]))
                }
            }
            // The curriculum's subjects first, then any other a student was graded in, each in the subjects' order.
            for index in classes.indices {
                let mine = planned[classes[index].class] ?? []
                let graded = Set(classes[index].students.flatMap(\.grades.keys)).subtracting(mine)
                func sorted(_ ids: Set<String>) -> [SummarySubject] {
                    ids.sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }.map { id in
                        order[id].map { subjects[$0] } ?? SummarySubject(id: id, name: id)
                    }
                }
                classes[index].subjects = sorted(mine) + sorted(graded)
            }
            return classes
        }
    }
}

extension YearDatabase {
    /// The students of `school` in a class of `year` at the end of `day` (one class or one student when named), each
    /// with the consent in force that day (signed by then, not withdrawn by then: the rule of the check
    /// `consent.missing`), the day the last one was withdrawn, and their guardians. Two statements in one read, with
    /// the `ownership` check (a class teacher's own class) in it.
    public func consents(
        school: String, year: AcademicYear, on day: CalendarDate, group: String?, student: String?,
        missingOnly: Bool, ownership: OwnershipCheck? = nil
    ) async throws -> [ConsentStudent] {
        try await pool.read { db in
            // A class teacher's reading of their own class: checked in the same read as the data, and in the year
            // read (leading this year's 5А gives nothing of last year's 5А, another teacher's class).
            if let ownership {
                let staff = try Self.staffMember(for: ownership, school: school, in: db)
                if case .leadsClass(let name) = ownership.rule {
                    let leads =
                        try Bool.fetchOne(
                            db,
                            sql: """
                                SELECT EXISTS (SELECT 1 FROM school_class WHERE year_id = ? AND name = ?
                                    AND class_teacher_id = ?)
                                """, arguments: [year.id, name, staff]) ?? false
                    guard leads, group == name else { throw ownership.denial }
                }
            }
            let arguments: StatementArguments = [
                "school": school, "year": year.id, "day": day.description, "class": group, "student": student,
                "missing": missingOnly,
            ]
            var guardians: [String: [ConsentGuardian]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT student_id, id, last_name || ' ' || first_name || coalesce(' ' || middle_name, '') AS name,
                        relation, phone, email
                    FROM guardian WHERE school_id = :school AND (:student IS NULL OR student_id = :student)
                    ORDER BY student_id, name, id
                    """, arguments: arguments)
            {
                guardians[row["student_id"], default: []].append(
                    ConsentGuardian(
                        id: row["id"], name: row["name"], relation: row["relation"], phone: row["phone"],
                        email: row["email"]))
            }
            return try Row.fetchAll(
                db,
                sql: """
                    WITH e AS (\(Self.enrollmentSpans) AND en.year_id = :year
                        AND (:class IS NULL OR en.class_name = :class)
                        AND (:student IS NULL OR en.student_id = :student)),
                    present AS (SELECT DISTINCT student_id, class_name FROM e WHERE \(Self.presentAt(":day"))),
                    valid AS (
                        SELECT c.person_id, c.signed_on, c.form_version, row_number() OVER (
                            PARTITION BY c.person_id ORDER BY c.signed_on DESC) AS n
                        FROM consent c WHERE c.school_id = :school AND c.person_kind = 'student'
                            AND c.signed_on <= :day AND (c.withdrawn_on IS NULL OR c.withdrawn_on > :day))
                    SELECT p.student_id, p.class_name, s.birth_date,
                        s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') AS name,
                        v.signed_on, v.form_version,
                        (SELECT max(w.withdrawn_on) FROM consent w WHERE w.school_id = :school
                            AND w.person_kind = 'student' AND w.person_id = p.student_id
                            AND w.withdrawn_on <= :day) AS withdrawn_on
                    FROM present p JOIN student s ON s.school_id = :school AND s.id = p.student_id
                        JOIN school_class c ON c.year_id = :year AND c.name = p.class_name
                        LEFT JOIN valid v ON v.person_id = p.student_id AND v.n = 1
                    WHERE NOT (:missing AND v.signed_on IS NOT NULL)
                    ORDER BY c.grade, c.letter, name, p.student_id
                    """, arguments: arguments
            ).map { row in
                let id: String = row["student_id"]
                return ConsentStudent(
                    id: id, name: row["name"], birthDate: row["birth_date"], class: row["class_name"],
                    signedOn: row["signed_on"], formVersion: row["form_version"], withdrawnOn: row["withdrawn_on"],
                    guardians: guardians[id] ?? [])
            }
        }
    }
}
