import Foundation
import GRDB
import YearCore

/// What an import found and did.
public struct ImportOutcome: Sendable, Equatable {
    /// The kind, the file's name as the client gave it and the SHA-256 of its content.
    public var kind: RegistryKind, fileName: String, sha256: String
    /// Data rows read, and how many would be (dry run) or were added, changed or left unchanged.
    public var rows: Int, added: Int, changed: Int, unchanged: Int
    /// Whether this was a dry run, and whether anything was written.
    public var dryRun: Bool, applied: Bool
    /// The first problems (at most 100) and how many there were in all; columns the file has that the kind lacks.
    public var problems: [ImportProblem], problemCount: Int, extraColumns: [String]
    /// The encoding a CSV file was read in (found from its bytes, or the one the caller named); nil for a workbook.
    public var encoding: TextEncoding? = .utf8
    /// The sheet a workbook was read from (nil for a CSV file).
    public var sheet: String?
    /// What was read but said aside without refusing the file (a formula's value), the first 100, and their count.
    public var warnings: [ImportProblem] = [], warningCount = 0
}

/// What to import: a file already in the state directory (an upload), its kind, school and year.
public struct ImportRequest: Sendable {
    /// The kind, the school, and the year for year-scoped kinds.
    public var kind: RegistryKind, school: String, year: AcademicYear?
    /// Where the content is, the name to report and its SHA-256.
    public var path: String, fileName: String, sha256: String
    /// Report without writing.
    public var dryRun: Bool
    /// Who the caller must be in the registry (a teacher's grades: their own assignments), checked inside the write.
    public var ownership: OwnershipCheck?
    /// The caller's staff id when `ownership` names one, found inside the write (whose assignments bound the rows).
    var teacher: String?
    /// The day whose state a file is compared with (a student's class then): by default the import's own day in
    /// the school's time zone, within the year's days.
    public var asOf: CalendarDate?
    /// The file's encoding as the caller names it; nil: found from the file's bytes (`TextEncoding.sniff`).
    public var encoding: TextEncoding?
    /// The sheet to read when the file is a workbook (`.xlsx`); nil: the first.
    public var sheet: String?
    /// The most one part of a workbook may unpack to (the whole archive: twice that); past it the file is refused.
    public var workbookMaxPartBytes: UInt64 = 200 << 20

    /// A request with every field given.
    public init(
        kind: RegistryKind, school: String, year: AcademicYear?, path: String, fileName: String, sha256: String,
        dryRun: Bool, ownership: OwnershipCheck? = nil, asOf: CalendarDate? = nil, encoding: TextEncoding? = nil,
        sheet: String? = nil
    ) {
        self.sheet = sheet
        self.encoding = encoding
        self.asOf = asOf
        self.ownership = ownership
        self.kind = kind
        self.school = school
        self.year = year
        self.path = path
        self.fileName = fileName
        self.sha256 = sha256
        self.dryRun = dryRun
    }
}

/// An import that was refused (its problems) or rehearsed (a dry run): the transaction is rolled back either way.
private struct RolledBack: Error {
    let outcome: ImportOutcome
}

extension YearDatabase {
    /// The kinds this store imports and exports so far.
    public static let registryKinds: [RegistryKind] = RegistryKind.allCases

    /// Imports a file all or nothing, in one transaction: every row is checked, every problem is reported by line
    /// and column, and a file with any problem writes nothing. The file is streamed, whatever its size.
    public func importRegistry(_ request: ImportRequest, caller: Caller, now: Date = Date()) async throws
        -> ImportOutcome
    {
        guard Self.registryKinds.contains(request.kind) else {
            throw YearError.invalid(
                "kind", "kind-not-imported",
                ["kind": request.kind.rawValue, "kinds": Self.registryKinds.map(\.rawValue).joined(separator: ", ")])
        }
        do {
            return try await write { db in
                var request = request
                // Who the caller is comes first: a caller the check refuses learns nothing of the year's state.
                if let check = request.ownership {
                    request.teacher = try Self.staffMember(for: check, school: request.school, in: db)
                }
                if request.kind.isYearScoped, let year = request.year,
                    let state = try String.fetchOne(
                        db, sql: "SELECT state FROM academic_year WHERE id = ?", arguments: [year.id]
                    ).flatMap(YearState.init(rawValue:))
                {
                    if state == .closed {
                        throw YearError.invalid("year", "year-closed", ["year": year.label.description])
                    }
                    // Closing freezes the day-to-day data (domain.md §2): only the year-end's own data change.
                    if state == .closing, !RegistryKind.changingWhileClosing.contains(request.kind) {
                        throw YearError.invalid(
                            "year", "year-closing-frozen",
                            ["year": year.label.description, "kind": request.kind.rawValue])
                    }
                }
                if request.asOf == nil, let year = request.year {
                    request.asOf = try Self.registryDay(of: year, now: now, in: db)
                }
                let outcome = try RegistryImport(request: request, db: db).run()
                try Self.appendAudit(
                    AuditEvent(
                        caller: caller, role: request.kind.writerRole.rawValue, school: request.school,
                        action: .registryImport, target: "\(request.kind.rawValue):\(request.fileName)",
                        details: .object(
                            [
                                "kind": .string(request.kind.rawValue), "file": .string(request.fileName),
                                "sha256": .string(request.sha256), "year": request.year.map { .int($0.id) } ?? .null,
                                "rows": .int(Int64(outcome.rows)), "added": .int(Int64(outcome.added)),
                                "changed": .int(Int64(outcome.changed)), "unchanged": .int(Int64(outcome.unchanged)),
                            ].merging(outcome.sheet.map { ["sheet": .string($0)] } ?? [:]) { kept, _ in kept })),
                    at: now, in: db)
                if request.dryRun { throw RolledBack(outcome: outcome) }
                return outcome
            }
        } catch let rolledBack as RolledBack {
            return rolledBack.outcome
        } catch let refused as ImportRefused {
            return refused.outcome
        }
    }

    /// The day whose state an import compares a file with, and an export writes: today in the school's time zone,
    /// within the year's days (orders effective later in the year do not make today's list wrong).
    static func registryDay(of year: AcademicYear, now: Date, in db: Database) throws -> CalendarDate {
        let zone = try String.fetchOne(db, sql: "SELECT time_zone FROM school WHERE id = ?", arguments: [year.school])
        let today = CalendarDate(now, timeZone: zone ?? "UTC") ?? year.startDate
        return min(max(today, year.startDate), year.lastDay)
    }

    /// One page of an export, as CSV lines (the header first on the first page), and the cursor of the next page.
    /// Students are written with the class they are in on `now`'s day (see `registryDay`), or, in a year the
    /// rollover closed, the class they finished it in.
    ///
    /// A field a spreadsheet would run as a formula is written with a leading `'` unless `raw` (`CSVWriter`).
    ///
    /// Pages follow the rows' keys (`after` is the last key of the previous page, as JSON), not an offset, so that
    /// rows written between pages neither repeat nor go missing, and the last page costs what the first does.
    public func exportRegistry(
        kind: RegistryKind, school: String, year: AcademicYear?, after: String?, limit: Int, raw: Bool = false,
        now: Date = Date()
    ) async throws -> (csv: String, next: String?) {
        guard Self.registryKinds.contains(kind) else {
            throw YearError.invalid("kind", "kind-not-exported", ["kind": kind.rawValue])
        }
        var values: [JSONValue] = []
        if let after {
            guard case .array(let parsed)? = JSONValue.parseCanonical(after) else {
                throw YearError.invalid("after", "bad-cursor")
            }
            values = parsed
        }
        let cursor: [DatabaseValue] = values.map { value in
            switch value {
            case .int(let number): number.databaseValue
            case .string(let text): text.databaseValue
            default: .null
            }
        }
        return try await pool.read { db in
            let columns: String
            let from: String
            let keys: [String]
            var arguments: StatementArguments = [school]
            if let spec = TableSpec.spec(for: kind) {
                columns = spec.exportColumns(kind)
                from = "\(spec.table) WHERE school_id = ?\(spec.yearScoped ? " AND year_id = ?" : "")"
                if spec.yearScoped { arguments += [year?.id] }
                keys = spec.keys.map(\.stored)
            } else {
                switch kind {
                case .students:
                    columns = """
                        s.id, s.last_name, s.first_name, s.middle_name, s.birth_date, s.gender, e.class_name,
                            s.personal_file_no, s.snils, s.enrolled_on, s.form_of_education
                        """
                    // The class a student is in on the day, or, in a year the rollover closed, the class they
                    // finished it in (their enrollment ended by a year-end continuation).
                    let day = try year.map { try Self.registryDay(of: $0, now: now, in: db).description }
                    from = """
                        student s LEFT JOIN enrollment e ON e.school_id = s.school_id AND e.student_id = s.id
                            AND e.year_id = ? AND ((e.from_date <= ? AND (e.to_date IS NULL OR e.to_date > ?))
                                OR e.closed_by IN \(OrderKind.sqlList(OrderKind.continuations)))
                        WHERE s.school_id = ?
                        """
                    arguments = [year?.id, day, day, school]
                    keys = ["s.id"]
                case .staff:
                    columns = "id, last_name, first_name, middle_name, position, login"
                    from = "staff WHERE school_id = ?"
                    keys = ["id"]
                case .subjects:
                    columns = "id, name"
                    from = "subject WHERE school_id = ?"
                    keys = ["id"]
                case .orders:
                    columns = """
                        order_no, order_date, kind, student_id, class_from, class_to, effective_on, basis, destination
                        """
                    from = "school_order WHERE school_id = ? AND year_id = ?"
                    arguments += [year?.id]
                    keys = ["effective_on", "rowid"]
                default:
                    columns = "name, grade, letter, profile, class_type, class_teacher_id, capacity"
                    from = "school_class WHERE school_id = ? AND year_id = ?"
                    arguments += [year?.id]
                    keys = ["grade", "letter"]
                }
            }
            var condition = ""
            if !cursor.isEmpty {
                guard cursor.count == keys.count else {
                    throw YearError.invalid("after", "bad-cursor")
                }
                condition =
                    " AND (\(keys.joined(separator: ", "))) > (\(keys.map { _ in "?" }.joined(separator: ", ")))"
                arguments += StatementArguments(cursor)
            }
            arguments += [limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(columns), \(keys.joined(separator: ", ")) FROM \(from)\(condition)
                    ORDER BY \(keys.joined(separator: ", ")) LIMIT ?
                    """, arguments: arguments)
            let width = kind.columns.count
            var csv = after == nil ? CSVWriter.line(kind.columns.map(\.name)) : ""
            for row in rows.prefix(limit) {
                csv += CSVWriter.line((0..<width).map { Self.text(row[$0] as DatabaseValue) }, raw: raw)
            }
            guard rows.count > limit, let last = rows.prefix(limit).last else { return (csv, nil) }
            let key = (width..<(width + keys.count)).map { index -> JSONValue in
                switch (last[index] as DatabaseValue).storage {
                case .int64(let number): .int(number)
                case .string(let text): .string(text)
                default: .null
                }
            }
            return (csv, JSONValue.array(key).canonicalText)
        }
    }

    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null, .blob: nil
        case .int64(let number): String(number)
        case .string(let text): text
        case .double(let number): String(number)
        }
    }
}

extension YearDatabase {
    /// `check` on a read, before a write's costly preparation (taking an upload): a refused caller is refused before
    /// anything of theirs is used. The write makes the check again in its transaction, which is what holds.
    public func precheckOwnership(_ check: OwnershipCheck, school: String) async throws {
        _ = try await pool.read { db in try Self.staffMember(for: check, school: school, in: db) }
    }

    /// The id of the member of staff `check` names (by login), when they satisfy its rule; its denial otherwise.
    /// Called inside the write the check guards.
    static func staffMember(for check: OwnershipCheck, school: String, in db: Database) throws -> String {
        guard
            let staff = try String.fetchOne(
                db, sql: "SELECT id FROM staff WHERE school_id = ? AND login = ?", arguments: [school, check.login])
        else { throw check.denial }
        switch check.rule {
        case .ownAssignments:
            // The rows themselves are held to the assignments by the import's checks (a problem per row).
            return staff
        case .classTeacher(let student):
            let leads =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM enrollment e
                            JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                            JOIN academic_year y ON y.id = e.year_id
                            WHERE e.school_id = ? AND e.student_id = ? AND e.to_date IS NULL
                                AND c.class_teacher_id = ? AND y.state <> 'closed')
                        """, arguments: [school, student, staff]) ?? false
            guard leads else { throw check.denial }
            return staff
        case .leadsClass(let name):
            let leads =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM school_class c JOIN academic_year y ON y.id = c.year_id
                            WHERE c.school_id = ? AND c.name = ? AND c.class_teacher_id = ? AND y.state <> 'closed')
                        """, arguments: [school, name, staff]) ?? false
            guard leads else { throw check.denial }
            return staff
        }
    }
}

extension YearDatabase {
    /// Changes a guardian's phone and email (nil leaves one as it is; "" clears it), audited. Returns whether
    /// anything changed. With `ownership` (a teacher without the secretary's role) the caller must lead the
    /// student's class, checked in the same transaction; the audit row names the role the change was made in.
    public func updateGuardianContact(
        school: String, student: String, guardian: String, phone: String?, email: String?, caller: Caller,
        ownership: OwnershipCheck?, now: Date = Date()
    ) async throws -> Bool {
        let role: Role = ownership == nil ? .secretary : .teacher
        return try await write { db in
            if let ownership { _ = try Self.staffMember(for: ownership, school: school, in: db) }
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT phone, email FROM guardian WHERE school_id = ? AND id = ? AND student_id = ?",
                    arguments: [school, guardian, student])
            else {
                throw YearError.invalid(
                    "guardianId", "no-guardian", ["guardian": guardian, "student": student, "school": school])
            }
            let oldPhone: String? = row["phone"]
            let oldEmail: String? = row["email"]
            let newPhone = phone.map { $0.isEmpty ? nil : $0 } ?? oldPhone
            let newEmail = email.map { $0.isEmpty ? nil : $0 } ?? oldEmail
            guard newPhone != oldPhone || newEmail != oldEmail else { return false }
            try db.execute(
                sql: "UPDATE guardian SET phone = ?, email = ? WHERE school_id = ? AND id = ? AND student_id = ?",
                arguments: [newPhone, newEmail, school, guardian, student])
            try Self.appendAudit(
                AuditEvent(
                    caller: caller, role: role.rawValue, school: school, action: .registryContact,
                    target: "guardian:\(guardian)",
                    details: .object([
                        "student": .string(student), "phone": newPhone.map(JSONValue.string) ?? .null,
                        "email": newEmail.map(JSONValue.string) ?? .null,
                    ])),
                at: now, in: db)
            return true
        }
    }
}
