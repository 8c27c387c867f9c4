import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// What a rollover plan of `year` is computed from, read in one snapshot.
    public func rolloverInput(of year: AcademicYear, settings: RolloverSettings = RolloverSettings()) async throws
        -> RolloverInput
    {
        try await pool.read { db in try Self.rolloverInput(of: year, settings: settings, in: db) }
    }

    /// The input in the caller's transaction: the school, the year's classes with their attributes, the active
    /// students with their class, grade and decision, the stored class overrides, the accepted first-grade
    /// applications and the next year if it exists. Set-based: a fixed number of queries whatever the size.
    static func rolloverInput(of year: AcademicYear, settings: RolloverSettings, in db: Database) throws
        -> RolloverInput
    {
        guard
            let school = try StoredSchool.fetchOne(db, key: year.school)?.school
        else { throw YearError.schoolNotFound(school: year.school) }
        func attributes(_ row: Row) -> ClassAttributes {
            ClassAttributes(
                profile: row["profile"], classType: row["class_type"], teacherID: row["class_teacher_id"],
                capacity: row["capacity"])
        }
        let classRows = try Row.fetchAll(
            db,
            sql: """
                SELECT name, profile, class_type, class_teacher_id, capacity FROM school_class
                WHERE year_id = ? ORDER BY grade, letter
                """, arguments: [year.id])
        let students = try Row.fetchAll(
            db,
            sql: """
                WITH failing AS (
                    -- The year's failing grades are few: one pass over the year's grades finds them.
                    SELECT f.student_id, group_concat(coalesce(sj.name, f.subject_id), char(31)) AS subjects
                    FROM final_grade f
                    LEFT JOIN subject sj ON sj.school_id = f.school_id AND sj.id = f.subject_id
                    WHERE f.year_id = :year AND f.period = 'year' AND f.grade IN ('2', 'fail')
                    GROUP BY f.student_id),
                certified AS (
                    SELECT student_id, group_concat(kind, char(31)) AS kinds FROM certificate WHERE year_id = :year
                    GROUP BY student_id)
                SELECT s.id, s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') AS name,
                    e.class_name, c.grade, d.outcome, d.debts, d.deadline, d.target_class, d.order_no, d.order_date,
                    d.destination, fl.subjects AS failing, ce.kinds AS certificates
                FROM enrollment e
                JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
                JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                LEFT JOIN decision d ON d.year_id = e.year_id AND d.student_id = e.student_id
                LEFT JOIN failing fl ON fl.student_id = e.student_id
                LEFT JOIN certified ce ON ce.student_id = e.student_id
                WHERE e.year_id = :year AND e.school_id = :school AND e.to_date IS NULL
                """, arguments: ["year": year.id, "school": year.school]
        ).map { row in
            // By position, in the SELECT's order: a lookup by column name per value was a quarter of the input's
            // time for a school of 900 students.
            let failing: String? = row[11]
            let certificates: String? = row[12]
            return RolloverInput.Student(
                id: row[0], name: row[1], className: row[2], grade: row[3],
                outcome: (row[4] as String?).flatMap(PromotionOutcome.init(rawValue:)),
                debts: row[5], deadline: row[6], targetClass: row[7], councilOrderNo: row[8], councilOrderDate: row[9],
                destination: row[10],
                failingSubjects: failing.map { $0.split(separator: "\u{1F}").map(String.init).sorted() } ?? [],
                certificates: Set(certificates.map { $0.split(separator: "\u{1F}").map(String.init) } ?? []))
        }
        let overrides = try rolloverOverrides(of: year.id, in: db)
        let kept = Set(
            try String.fetchAll(
                db, sql: "SELECT from_class FROM rollover_override WHERE year_id = ? AND keeps = 1",
                arguments: [year.id]))
        let assignedSubjects = try Row.fetchAll(
            db, sql: "SELECT class_name, subject_id FROM assignment WHERE year_id = ?", arguments: [year.id]
        ).reduce(into: [String: [String]]()) { $0[$1["class_name"], default: []].append($1["subject_id"]) }
        let staffNames = try Row.fetchAll(
            db, sql: "SELECT id, last_name || ' ' || first_name AS name FROM staff WHERE school_id = ?",
            arguments: [year.school]
        ).reduce(into: [String: String]()) { $0[$1["id"]] = $1["name"] }
        let applications = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.last_name || ' ' || a.first_name || coalesce(' ' || a.middle_name, '') AS name,
                    a.gender, a.birth_date, a.grade, a.class_name, a.guardian_name, a.guardian_phone, a.guardian_email,
                    a.consent_on,
                    EXISTS (SELECT 1 FROM student s WHERE s.school_id = a.school_id AND s.id = a.id) AS taken
                FROM application a
                WHERE a.school_id = ? AND a.status = 'accepted'
                """, arguments: [year.school]
        ).map { row in
            RolloverInput.Application(
                id: row["id"], name: row["name"], gender: row["gender"], birthDate: row["birth_date"],
                idTaken: row["taken"], grade: row["grade"], className: row["class_name"],
                guardian: [row["guardian_name"], row["guardian_phone"], row["guardian_email"], row["consent_on"]])
        }
        let personalFiles = try String.fetchAll(
            db, sql: "SELECT personal_file_no FROM student WHERE school_id = ? AND personal_file_no IS NOT NULL",
            arguments: [year.school])
        let nextLabel = "\(year.label.startYear + 1)/\(year.label.startYear + 2)"
        let nextID = try Int64.fetchOne(
            db, sql: "SELECT id FROM academic_year WHERE school_id = ? AND label = ?",
            arguments: [year.school, nextLabel])
        // What the apply copies beside the plan's lines, digested so that a change to it makes a request stale.
        let carried =
            try String.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) || ':' || yeard_fingerprint(grade, profile, subject_id, hours_per_week,
                            assessment) FROM curriculum WHERE year_id = :old)
                        || '/' || (SELECT count(*) || ':' || yeard_fingerprint(class_name, subject_id, grp, teacher_id)
                            FROM assignment WHERE year_id = :old)
                        || '/' || (SELECT count(*) || ':' || yeard_fingerprint(grade, profile, subject_id)
                            FROM curriculum WHERE year_id = :next)
                    """, arguments: ["old": year.id, "next": nextID]) ?? ""
        // The new year's curriculum per grade as the apply leaves it: its own where it has one, else the old
        // year's when the curriculum is carried.
        // As the apply copies it: an old (grade, profile) the new year lacks comes over whole.
        func curriculum(of yearID: Int64?) throws -> [String: (grade: Int, subjects: Set<String>)] {
            guard let yearID else { return [:] }
            return try Row.fetchAll(
                db, sql: "SELECT grade, profile, subject_id FROM curriculum WHERE year_id = ?", arguments: [yearID]
            ).reduce(into: [:]) { sets, row in
                let grade: Int = row["grade"]
                let key = "\(grade)/\(row["profile"] as String)"
                sets[key, default: (grade, [])].subjects.insert(row["subject_id"])
            }
        }
        let merged = try curriculum(of: nextID).merging(
            settings.carry.curriculum ? try curriculum(of: year.id) : [:]
        ) { own, _ in own }
        let nextCurriculum = merged.values.reduce(into: [Int: Set<String>]()) {
            $0[$1.grade, default: []].formUnion($1.subjects)
        }
        var nextYear: RolloverInput.NextYear?
        if let next = try StoredYear.filter(
            StoredYear.Columns.school == year.school && StoredYear.Columns.label == nextLabel
        ).fetchOne(db)?.year {
            let classes = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, profile, class_type, class_teacher_id, capacity FROM school_class WHERE year_id = ?
                    """, arguments: [next.id]
            ).reduce(into: [String: ClassAttributes]()) { $0[$1["name"]] = attributes($1) }
            // Arrivals enrolled ahead (summer transfers) by class, and any student of the old year among them.
            let ahead = try Row.fetchAll(
                db,
                sql: """
                    SELECT class_name, count(*) AS n FROM enrollment WHERE year_id = ? AND to_date IS NULL
                    GROUP BY class_name
                    """, arguments: [next.id]
            ).reduce(into: [String: Int]()) { $0[$1["class_name"]] = $1["n"] }
            let twice = try String.fetchAll(
                db,
                sql: """
                    SELECT s.last_name || ' ' || s.first_name || ' (' || s.id || ')' FROM enrollment n
                    JOIN enrollment o ON o.year_id = :old AND o.school_id = n.school_id AND o.student_id = n.student_id
                        AND o.to_date IS NULL
                    JOIN student s ON s.school_id = n.school_id AND s.id = n.student_id
                    WHERE n.year_id = :next ORDER BY s.last_name, s.id
                    """, arguments: ["old": year.id, "next": next.id])
            nextYear = RolloverInput.NextYear(
                label: next.label, start: next.startDate, end: next.endDate, state: next.state, classes: classes,
                enrollments: ahead.values.reduce(0, +), gradeEnds: next.gradeEnds, enrolledAhead: ahead,
                alreadyEnrolled: twice)
        }
        return RolloverInput(
            school: school, year: year.label, classes: classRows.map { $0["name"] }, students: students,
            overrides: overrides,
            attributes: classRows.reduce(into: [:]) { $0[$1["name"]] = attributes($1) },
            applications: applications, nextYear: nextYear, carry: settings.carry,
            firstGradeCapacity: settings.firstGradeCapacity, orderNumber: settings.orderNumber, carriedData: carried,
            yearEnd: year.endDate, gradeEnds: year.gradeEnds, kept: kept, assignedSubjects: assignedSubjects,
            nextCurriculum: nextCurriculum, staffNames: staffNames, personalFileRule: settings.personalFile,
            personalFileNext: RolloverSettings.nextPersonalFile(
                settings.personalFile, year: year.label.startYear + 1, taken: personalFiles))
    }

    /// The plan of `year`, read in one snapshot (the preview); refused when the calendar gives no next year.
    public func rolloverPlan(of year: AcademicYear, settings: RolloverSettings) async throws -> RolloverPlan {
        try await pool.read { db in try Self.rolloverPlan(of: year, settings: settings, in: db) }
    }

    /// The plan of `year` in the caller's transaction; refused when the calendar gives no next year.
    static func rolloverPlan(of year: AcademicYear, settings: RolloverSettings, in db: Database) throws
        -> RolloverPlan
    {
        guard let plan = RolloverPlan(try rolloverInput(of: year, settings: settings, in: db)) else {
            throw YearError.invalid("year", "no-dates-after", ["year": year.label.description])
        }
        return plan
    }

    // MARK: Class overrides

    /// The class overrides stored with the plan of `year`, by old class.
    public func rolloverOverrides(of year: AcademicYear) async throws -> [String: String] {
        try await pool.read { db in try Self.rolloverOverrides(of: year.id, in: db) }
    }

    static func rolloverOverrides(of yearID: Int64, in db: Database) throws -> [String: String] {
        try Row.fetchAll(
            db, sql: "SELECT from_class, to_class FROM rollover_override WHERE year_id = ?", arguments: [yearID]
        ).reduce(into: [String: String]()) { $0[$1["from_class"]] = $1["to_class"] }
    }

    /// Stores (or, with `to` nil, removes) the override that sends old class `from` of `year` to class `to` of the
    /// next year. The old class must exist in the year; the new one must be a class name. Audited.
    ///
    /// `teacherFrom` names the old class whose class teacher, profile and assignments the class `to` keeps when
    /// several lead to it (a merge): it must be `from` or another class of the year that leads to `to`.
    public func setRolloverOverride(
        year: AcademicYear, from: String, to: String?, teacherFrom: String? = nil, caller: Caller, now: Date = Date()
    ) async throws {
        try await write { db in
            guard let current = try Self.fetchYear(id: year.id, in: db), current.state.isActive else {
                throw YearError.invalid("year", "plan-frozen", ["year": year.label.description])
            }
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM school_class WHERE year_id = ? AND name = ?", arguments: [year.id, from])
            guard exists == true else {
                throw YearError.invalid("from", "no-class-in-year", ["year": year.label.description, "class": from])
            }
            var target: String?
            if let to {
                guard let parsed = RegistryValues.className(to) else {
                    throw YearError.invalid("to", "class-name", ["got": to])
                }
                target = parsed.name
                try db.execute(
                    sql: """
                        INSERT INTO rollover_override (year_id, school_id, from_class, to_class, set_by, set_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (year_id, from_class) DO UPDATE SET to_class = excluded.to_class,
                            set_by = excluded.set_by, set_at = excluded.set_at, keeps = 0
                        """,
                    arguments: [year.id, year.school, from, parsed.name, caller.userName, StoredTime.text(now)])
                if let teacherFrom {
                    try Self.keepAttributes(
                        of: teacherFrom, in: parsed.name, year: year, caller: caller, now: now, db: db)
                }
            } else {
                try db.execute(
                    sql: "DELETE FROM rollover_override WHERE year_id = ? AND from_class = ?",
                    arguments: [year.id, from])
                guard db.changesCount == 1 else {
                    throw YearError.invalid("from", "no-override", ["class": from])
                }
            }
            try Self.appendAudit(
                AuditEvent(
                    caller: caller, role: Role.admin.rawValue, school: year.school,
                    action: target == nil ? .rolloverUnmap : .rolloverMap, target: "year:\(year.id)",
                    details: .object([
                        "from": .string(from), "to": target.map(JSONValue.string) ?? .null,
                        "teacherFrom": teacherFrom.map(JSONValue.string) ?? .null,
                    ])),
                at: now, in: db)
        }
    }

    /// Marks old class `source` as the one whose attributes the merged class `target` keeps (an override of its
    /// own is stored when it follows its default mapping), and no other.
    static func keepAttributes(
        of source: String, in target: String, year: AcademicYear, caller: Caller, now: Date, db: Database
    ) throws {
        let plan = try rolloverPlan(of: year, settings: RolloverSettings(), in: db)
        guard let name = RegistryValues.className(source)?.name,
            plan.classes.contains(where: { $0.from == name && $0.to == target })
        else {
            let leading = plan.classes.filter { $0.to == target }.map(\.from)
            throw YearError.invalid(
                "teacherFrom", leading.isEmpty ? "keep-not-leading-none" : "keep-not-leading",
                ["class": source, "target": target, "classes": leading.joined(separator: ", ")])
        }
        try db.execute(
            sql: """
                INSERT INTO rollover_override (year_id, school_id, from_class, to_class, set_by, set_at, keeps)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (year_id, from_class) DO UPDATE SET keeps = 1, set_by = excluded.set_by,
                    set_at = excluded.set_at
                """, arguments: [year.id, year.school, name, target, caller.userName, StoredTime.text(now)])
        try db.execute(
            sql: "UPDATE rollover_override SET keeps = 0 WHERE year_id = ? AND to_class = ? AND from_class <> ?",
            arguments: [year.id, target, name])
    }

    // MARK: Requests

    /// Files the request to roll `year` over: the year must be closing and its plan free of errors; the request
    /// carries the plan's hash and summary, and the approval recomputes the plan and refuses it if the hash moved.
    /// The close readiness report is made too (under `checks`): its errors, which the approval refuses unless the
    /// coordinator accepts them, are filed with the summary, so that the requester and the approver both see them.
    public func fileRolloverRequest(
        year yearID: Int64, reason: String, settings: RolloverSettings, checks: CheckSettings = CheckSettings(),
        caller: Caller, policy: AccessPolicy, lifetime: TimeInterval, now: Date = Date()
    ) async throws -> ApprovalRequest {
        try await write { db in
            guard let year = try Self.fetchYear(id: yearID, in: db) else { throw YearError.yearNotFound(id: yearID) }
            guard year.state == .closing else {
                throw YearError.invalid(
                    "year", "rollover-requested-when-closing",
                    ["year": year.label.description, "state": year.state.rawValue])
            }
            let plan = try Self.rolloverPlan(of: year, settings: settings, in: db)
            guard plan.errorNotes.isEmpty else {
                throw YearError.planHasErrors(year: year.label.description, errors: plan.errorNotes)
            }
            let found = try Self.findings(
                school: year.school, year: year, checks: CheckCatalogue.checks(for: .close).map(\.id),
                settings: checks, now: now, in: db)
            let report = ReadinessReport(target: .close, checks: found.checks.map(\.id), findings: found.findings)
            let blocking = report.byCheck.filter { report.blocking.contains($0.check) }
            let readiness =
                blocking.isEmpty
                ? [Note("readiness-ready")]
                : [Note("readiness-blocked", ["count": String(blocking.count)])]
                    + blocking.map { Note("readiness-check", ["check": $0.check, "count": String($0.count)]) }
            let digest = RolloverDigest(
                planHash: plan.hash, toYear: plan.toYear.description, notes: plan.summaryNotes + readiness)
            return try Self.fileRequest(
                year: year, event: .close, reason: reason, rollover: digest, caller: caller, policy: policy,
                lifetime: lifetime, table: self.table, now: now, in: db)
        }
    }

    /// Files the request to undo the rollover that closed `year`: refused while the new year holds changes made
    /// after the rollover (they are listed).
    public func fileUndoRequest(
        year yearID: Int64, reason: String, caller: Caller, policy: AccessPolicy, lifetime: TimeInterval,
        now: Date = Date()
    ) async throws -> ApprovalRequest {
        try await write { db in
            guard let year = try Self.fetchYear(id: yearID, in: db) else { throw YearError.yearNotFound(id: yearID) }
            guard let rollover = try Self.appliedRollover(from: year.id, in: db) else {
                throw YearError.invalid("year", "no-rollover-closed", ["year": year.label.description])
            }
            let changes = try Self.changes(since: rollover, in: db)
            guard changes.lines.isEmpty else {
                throw YearError.rolloverChanged(rollover: rollover.id, changes: changes.lines)
            }
            // The rollover's own summary was stored as the English sentences its request showed.
            let digest = RolloverDigest(
                planHash: rollover.planHash, rolloverID: rollover.id, toYear: rollover.toYear,
                notes: [
                    Note(
                        "undo",
                        ["rollover": String(rollover.id), "year": year.label.description, "to": rollover.toYear])
                ] + rollover.summary.map { Note($0) })
            return try Self.fileRequest(
                year: year, event: .undoRollover, reason: reason, rollover: digest, caller: caller, policy: policy,
                lifetime: lifetime, table: self.table, now: now, in: db)
        }
    }

    // MARK: Apply and undo (inside the approval's transaction)

    /// Applies the plan a close request was filed with: recomputes it (refusing a stale one), then writes the new
    /// year, its classes, enrollments, orders, debts and carried-over data, each row tagged with the rollover's
    /// number; the caller then closes the old year in the same transaction. A fixed number of statements, whatever
    /// the number of students.
    static func applyRollover(
        request: ApprovalRequest, year: AcademicYear, settings: RolloverSettings, now: Date, in db: Database
    ) throws -> RolloverRecord {
        guard let digest = request.payload.rollover else {
            throw YearError.internalFailure(reason: "request \(request.id) carries no rollover plan")
        }
        let plan = try rolloverPlan(of: year, settings: settings, in: db)
        let planHash = Digest.sha256Hex(plan.canonical.canonicalText)
        guard planHash == digest.planHash else {
            throw YearError.planStale(id: request.id, filed: digest.planHash, current: planHash)
        }
        guard plan.errorNotes.isEmpty else {
            throw YearError.planHasErrors(year: year.label.description, errors: plan.errorNotes)
        }
        let stamp = StoredTime.text(now)
        try db.execute(
            sql: """
                INSERT INTO rollover (school_id, from_year_id, to_year_label, created_year, request_id, plan_hash,
                    summary, fingerprint, state, applied_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 'applied', ?)
                """,
            arguments: [
                year.school, year.id, plan.toYear.description, plan.toYearExists ? 0 : 1, request.id, planHash,
                JSONValue.array(digest.summary.map(JSONValue.string)).canonicalText, stamp,
            ])
        let rollover = db.lastInsertedRowID
        let toYear: Int64
        if plan.toYearExists {
            guard
                let existing = try Int64.fetchOne(
                    db, sql: "SELECT id FROM academic_year WHERE school_id = ? AND label = ?",
                    arguments: [year.school, plan.toYear.description])
            else { throw YearError.internalFailure(reason: "the year \(plan.toYear) vanished during the rollover") }
            toYear = existing
        } else {
            try db.execute(
                sql: """
                    INSERT INTO academic_year (school_id, label, start_date, end_date, state, version, created_at,
                        updated_at, rollover_id, grade_ends)
                    VALUES (?, ?, ?, ?, 'open', 1, ?, ?, ?, ?)
                    """,
                arguments: [
                    year.school, plan.toYear.description, plan.toStart.description, plan.toEnd.description, stamp,
                    stamp, rollover, plan.toGradeEnds.canonicalGradeEnds.canonicalText,
                ])
            toYear = db.lastInsertedRowID
        }
        let numbers = settings.orderNumber(year: plan.toYear.startYear, rollover: rollover)
        // The orders are dated on the school's own calendar day, not UTC's (at 01:00 in Moscow UTC is a day behind).
        let zone = try String.fetchOne(db, sql: "SELECT time_zone FROM school WHERE id = ?", arguments: [year.school])
        guard let zone, let today = CalendarDate(now, timeZone: zone) else {
            throw YearError.internalFailure(reason: "no calendar date for \(now) in the time zone of \(year.school)")
        }
        let arguments: StatementArguments = [
            "school": year.school, "old": year.id, "new": toYear, "r": rollover,
            "new_start": plan.toStart.description,
            "today": today.description, "numbers": numbers,
        ]
        for statement in clearTables { try db.execute(sql: statement) }
        try stage(plan, oldEnd: year.endDate, in: db)
        for statement in applyStatements(carry: plan.carry) + clearTables {
            try db.execute(sql: statement, arguments: arguments)
        }
        let fingerprint = try fingerprint(school: year.school, toYear: toYear, rollover: rollover, in: db)
        try db.execute(
            sql: "UPDATE rollover SET to_year_id = ?, fingerprint = ? WHERE id = ?",
            arguments: [toYear, fingerprint.canonicalText, rollover])
        guard let record = try fetchRollover(id: rollover, in: db) else {
            throw YearError.internalFailure(reason: "rollover \(rollover) was not stored")
        }
        return record
    }

    /// The working tables of an apply: the plan's student lines, new classes and admissions keyed by student, class
    /// and application. They are made once per connection when it opens (creating or dropping a table empties
    /// GRDB's cache of compiled statements, which would make the next approval's readiness checks compile every
    /// statement again) and are empty outside an apply.
    static let rolloverTables = [
        """
        CREATE TEMP TABLE IF NOT EXISTS rollover_line (
            student_id TEXT PRIMARY KEY, outcome TEXT, from_class TEXT, to_class TEXT, debts TEXT, deadline TEXT,
            kind TEXT NOT NULL, council_no TEXT, council_date TEXT, destination TEXT, last_day TEXT NOT NULL)
            WITHOUT ROWID
        """,
        """
        CREATE TEMP TABLE IF NOT EXISTS rollover_class (
            name TEXT PRIMARY KEY, grade INTEGER, letter TEXT, source TEXT, existing INTEGER, profile TEXT,
            class_type TEXT, class_teacher_id TEXT, capacity INTEGER) WITHOUT ROWID
        """,
        """
        CREATE TEMP TABLE IF NOT EXISTS rollover_admission (
            application_id TEXT PRIMARY KEY, to_class TEXT NOT NULL, personal_file_no TEXT) WITHOUT ROWID
        """,
    ]

    /// Empties the working tables (before an apply, in case one was interrupted, and after it).
    static let clearTables = [
        "DELETE FROM temp.rollover_line", "DELETE FROM temp.rollover_class", "DELETE FROM temp.rollover_admission",
    ]

    /// Fills the working tables from the plan whose canonical text was just hashed and matched: every later
    /// statement joins them by key. One prepared statement per table, stepped once per row inside SQLite; a
    /// `json_each` pass over the canonical text with a `json_extract` per field did the same in three times the time
    /// (SQLite 3.40 parses each line's object again for each field).
    static func stage(_ plan: RolloverPlan, oldEnd: CalendarDate, in db: Database) throws {
        let line = try db.cachedStatement(
            sql: """
                INSERT INTO temp.rollover_line (student_id, outcome, from_class, to_class, debts, deadline, kind,
                    council_no, council_date, destination, last_day)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for student in plan.students {
            guard let kind = student.orderKind else {
                throw YearError.internalFailure(reason: "the plan's line of \(student.studentID) has no order kind")
            }
            try line.execute(arguments: [
                student.studentID, student.outcome?.rawValue, student.fromClass, student.toClass, student.debts,
                student.deadline, kind.rawValue, student.councilOrderNo, student.councilOrderDate,
                student.destination, (student.lastDay ?? oldEnd).description,
            ])
        }
        let newClass = try db.cachedStatement(
            sql: """
                INSERT INTO temp.rollover_class (name, grade, letter, source, existing, profile, class_type,
                    class_teacher_id, capacity)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for new in plan.newClasses {
            try newClass.execute(arguments: [
                new.name, new.grade, new.letter, new.source, new.existing, new.attributes.profile,
                new.attributes.classType, new.attributes.teacherID, new.attributes.capacity,
            ])
        }
        let admission = try db.cachedStatement(
            sql: "INSERT INTO temp.rollover_admission (application_id, to_class, personal_file_no) VALUES (?, ?, ?)")
        for new in plan.admissions {
            guard let toClass = new.toClass else { continue }
            try admission.execute(arguments: [new.applicationID, toClass, new.personalFileNo])
        }
    }

    static let planLines = "temp.rollover_line"

    static let planClasses = "temp.rollover_class"

    static let planAdmissions = "temp.rollover_admission"

    static let continuations = OrderKind.sqlList(OrderKind.continuations)

    /// The statements of an apply, in order (the old year's rows first: it is closed after them).
    static func applyStatements(carry: CarryOver) -> [String] {
        var statements = [
            // The new year's classes that do not exist yet.
            """
            INSERT INTO school_class (year_id, school_id, name, grade, letter, profile, class_type,
                class_teacher_id, capacity, rollover_id)
            SELECT :new, :school, name, grade, letter, profile, class_type, class_teacher_id, capacity, :r
            FROM \(planClasses) WHERE existing = 0
            """,
            // One order per student of the old year, of the kind its outcome calls for (promotion, conditional
            // promotion, retention, adapted programme, graduation, withdrawal, transfer), one number per kind, each
            // naming the pedagogical council's order that decided it as its basis. Those who stay move on the new
            // year's first day; those who leave leave on their grade's last day.
            """
            INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_from, class_to,
                effective_on, basis, destination, basis_order_no, basis_order_date, rollover_id)
            SELECT :school, replace(:numbers, '{kind}', kind), student_id, :old, :today, kind, from_class, to_class,
                CASE WHEN kind IN \(continuations) THEN :new_start ELSE last_day END,
                'pedagogical council decision' || coalesce(', order ' || council_no, '')
                    || coalesce(' of ' || council_date, ''),
                destination, council_no, council_date, :r
            FROM \(planLines)
            """,
            // Every old-year enrollment ends on the last day of its grade, closed by the order that decided it:
            // for those who stay, a continuation (in the book they are still there at the year's end).
            """
            UPDATE enrollment SET to_date = max(l.last_day, enrollment.from_date), closed_by = l.kind,
                closing_order_no = replace(:numbers, '{kind}', l.kind), closing_rollover_id = :r
            FROM \(planLines) AS l
            WHERE enrollment.year_id = :old AND enrollment.school_id = :school AND enrollment.to_date IS NULL
                AND enrollment.student_id = l.student_id
            """,
            // Everyone placed joins their class on the new year's first day, continued by the same order.
            """
            INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, order_no, opened_by, basis,
                rollover_id)
            SELECT :new, :school, student_id, to_class, :new_start, replace(:numbers, '{kind}', kind), kind,
                'year rollover from ' || from_class, :r
            FROM \(planLines) WHERE to_class IS NOT NULL
            """,
            // Conditional promotions carry their debts and deadline; nothing else of a decision follows a student.
            """
            INSERT INTO academic_debt (year_id, school_id, student_id, subjects, deadline, from_year_id, rollover_id)
            SELECT :new, :school, student_id, debts, deadline, :old, :r
            FROM \(planLines) WHERE to_class IS NOT NULL AND debts IS NOT NULL AND deadline IS NOT NULL
            """,
            // Accepted applications become students of the new year, each with the book's next personal-file
            // number, an enrollment order, and the guardian and consent the application names.
            """
            INSERT INTO student (school_id, id, last_name, first_name, middle_name, birth_date, gender, enrolled_on,
                personal_file_no, rollover_id)
            SELECT a.school_id, a.id, a.last_name, a.first_name, a.middle_name, a.birth_date, a.gender, :new_start,
                p.personal_file_no, :r
            FROM \(planAdmissions) AS p JOIN application a ON a.school_id = :school AND a.id = p.application_id
            """,
            """
            INSERT INTO guardian (school_id, id, student_id, relation, last_name, first_name, middle_name, phone, email)
            SELECT a.school_id, a.id || '-g', a.id, NULL, yeard_name_part(a.guardian_name, 1),
                yeard_name_part(a.guardian_name, 2), yeard_name_part(a.guardian_name, 3), a.guardian_phone,
                a.guardian_email
            FROM \(planAdmissions) AS p JOIN application a ON a.school_id = :school AND a.id = p.application_id
            WHERE yeard_name_part(a.guardian_name, 2) IS NOT NULL
            """,
            """
            INSERT INTO consent (school_id, person_kind, person_id, signed_on, signed_by, form_version)
            SELECT a.school_id, 'student', a.id, a.consent_on, a.id || '-g', 'application'
            FROM \(planAdmissions) AS p JOIN application a ON a.school_id = :school AND a.id = p.application_id
            WHERE a.consent_on IS NOT NULL AND yeard_name_part(a.guardian_name, 2) IS NOT NULL
            """,
            """
            INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_to,
                effective_on, basis, rollover_id)
            SELECT :school, replace(:numbers, '{kind}', 'enrollment'), application_id, :new, :today, 'enrollment',
                to_class, :new_start, 'accepted application ' || application_id, :r
            FROM \(planAdmissions)
            """,
            """
            INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, order_no, opened_by, basis,
                rollover_id)
            SELECT :new, :school, application_id, to_class, :new_start, replace(:numbers, '{kind}', 'enrollment'),
                'enrollment', 'accepted application ' || application_id, :r
            FROM \(planAdmissions)
            """,
            """
            UPDATE application SET status = 'enrolled', rollover_id = :r
            WHERE school_id = :school AND id IN (SELECT application_id FROM \(planAdmissions))
            """,
        ]
        if carry.curriculum {
            statements.append(
                """
                INSERT INTO curriculum (year_id, school_id, grade, profile, subject_id, hours_per_week, assessment,
                    rollover_id)
                SELECT :new, c.school_id, c.grade, c.profile, c.subject_id, c.hours_per_week, c.assessment, :r
                FROM curriculum c
                WHERE c.year_id = :old AND NOT EXISTS (SELECT 1 FROM curriculum n WHERE n.year_id = :new
                    AND n.grade = c.grade AND n.profile = c.profile)
                """)
        }
        if carry.assignments {
            statements.append(
                """
                INSERT INTO assignment (year_id, school_id, class_name, subject_id, grp, teacher_id, rollover_id)
                SELECT :new, a.school_id, k.name, a.subject_id, a.grp, a.teacher_id, :r
                FROM \(planClasses) AS k JOIN assignment a ON a.year_id = :old AND a.class_name = k.source
                WHERE k.existing = 0 AND EXISTS (SELECT 1 FROM curriculum cu WHERE cu.year_id = :new
                    AND cu.grade = k.grade AND cu.subject_id = a.subject_id)
                """)
        }
        return statements
    }

    /// Reverses rollover `rollover` (the approval of an undo request): deletes every row tagged with it, reopens
    /// the old enrollments it closed and the applications it enrolled, deletes the year it created; the caller
    /// moves the old year back to closing. Refused while the new year holds changes made after the rollover.
    static func undoRollover(_ rollover: RolloverRecord, request: ApprovalRequest, now: Date, in db: Database) throws {
        let changes = try changes(since: rollover, in: db)
        guard changes.lines.isEmpty else {
            throw YearError.rolloverChanged(rollover: rollover.id, changes: changes.lines)
        }
        let arguments: StatementArguments = [
            "r": rollover.id, "old": rollover.fromYearID, "new": rollover.toYearID, "school": rollover.school,
        ]
        for statement in [
            "INSERT INTO year_unlock (year_id) VALUES (:old)",
            "DELETE FROM academic_debt WHERE year_id = :new AND rollover_id = :r",
            "DELETE FROM assignment WHERE year_id = :new AND rollover_id = :r",
            "DELETE FROM curriculum WHERE year_id = :new AND rollover_id = :r",
            "DELETE FROM enrollment WHERE year_id = :new AND rollover_id = :r",
            """
            UPDATE enrollment SET to_date = NULL, closed_by = NULL, closing_order_no = NULL, closing_rollover_id = NULL
            WHERE year_id = :old AND closing_rollover_id = :r
            """,
            "DELETE FROM school_order WHERE school_id = :school AND rollover_id = :r",
            "UPDATE application SET status = 'accepted', rollover_id = NULL WHERE school_id = :school AND rollover_id = :r",
            // The guardians and consents it made from the applications (unchanged since: the fingerprint says so).
            """
            DELETE FROM consent WHERE school_id = :school AND person_kind = 'student'
                AND person_id IN (SELECT id FROM student WHERE school_id = :school AND rollover_id = :r)
            """,
            """
            DELETE FROM guardian WHERE school_id = :school
                AND student_id IN (SELECT id FROM student WHERE school_id = :school AND rollover_id = :r)
            """,
            "DELETE FROM student WHERE school_id = :school AND rollover_id = :r",
            "DELETE FROM school_class WHERE year_id = :new AND rollover_id = :r",
            // Check runs of a year the rollover created are derived data: they go with it.
            "DELETE FROM check_run WHERE year_id = (SELECT id FROM academic_year WHERE id = :new AND rollover_id = :r)",
            "DELETE FROM academic_year WHERE id = :new AND rollover_id = :r",
        ] {
            try db.execute(sql: statement, arguments: arguments)
        }
        try db.execute(
            sql: "UPDATE rollover SET state = 'undone', undone_at = ?, undo_request_id = ? WHERE id = ?",
            arguments: [StoredTime.text(now), request.id, rollover.id])
    }

    /// Ends an undo: the old year's read-only triggers apply again.
    static func relock(year: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM year_unlock WHERE year_id = ?", arguments: [year])
    }

    // MARK: What changed since

    /// The form of the fingerprints stored with rollovers (2: row-set hashes, `RowSetHash`; 3: the year-end
    /// migration's columns and tables, whose rows hash differently: an older fingerprint compares row counts only).
    static let fingerprintVersion: Int64 = 3

    /// The tables of a year that a rollover writes or that later work fills; each is fingerprinted whole.
    static let yearTables = [
        "school_class", "enrollment", "school_order", "curriculum", "assignment", "schedule_slot", "final_grade",
        "decision", "academic_debt", "certificate", "debt_retake", "study_period",
    ]

    /// A fingerprint of the new year: per table its row count and a hash of its rows, plus the year itself,
    /// the rollover's students and applications, and the requests filed for the year. Compared at undo time.
    static func fingerprint(school: String, toYear: Int64, rollover: Int64, in db: Database) throws -> JSONValue {
        var tables: [String: JSONValue] = [:]
        /// Counts the rows of `table` (as `alias`) that `condition` selects and fingerprints their values.
        func add(_ name: String, _ table: String, _ alias: String, columns: [String]? = nil, _ condition: String) throws
        {
            let names = try columns ?? db.columns(in: table).map(\.name)
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS n, yeard_fingerprint(\(names.map { "\(alias).\($0)" }.joined(separator: ", ")))
                        AS digest FROM \(condition)
                    """, arguments: ["year": toYear, "r": rollover, "school": school])
            tables[name] = .object(["rows": .int(row?["n"] ?? 0), "digest": .string(row?["digest"] ?? "")])
        }
        for table in yearTables {
            try add(table, table, "t", "\(table) t WHERE t.year_id = :year")
        }
        try add(
            "academic_year", "academic_year", "y", columns: ["state", "version", "start_date", "end_date"],
            "academic_year y WHERE y.id = :year")
        // Restricted to the school first: its key leads every lookup (a region holds a million students).
        try add("student", "student", "s", "student s WHERE s.school_id = :school AND s.rollover_id = :r")
        try add(
            "guardian", "guardian", "g",
            """
            guardian g JOIN student s ON s.school_id = g.school_id AND s.id = g.student_id
            WHERE s.school_id = :school AND s.rollover_id = :r
            """)
        try add("application", "application", "a", "application a WHERE a.school_id = :school AND a.rollover_id = :r")
        // Consents of the students it admitted and of their guardians (consents name people, not rows).
        try add(
            "consent", "consent", "c",
            """
            consent c WHERE c.school_id = :school AND (
                (c.person_kind = 'student' AND c.person_id IN (
                    SELECT id FROM student WHERE school_id = :school AND rollover_id = :r))
                OR (c.person_kind = 'guardian' AND c.person_id IN (
                    SELECT g.id FROM guardian g JOIN student s ON s.school_id = g.school_id AND s.id = g.student_id
                    WHERE s.school_id = :school AND s.rollover_id = :r)))
            """)
        tables["version"] = .int(Self.fingerprintVersion)
        try add(
            "approval_request", "approval_request", "q", columns: ["id", "status"],
            "approval_request q WHERE q.school_id = :school AND q.year_id = :year")
        return .object(tables)
    }

    /// What differs between the new year now and the fingerprint taken when the rollover applied.
    static func changes(since rollover: RolloverRecord, in db: Database) throws -> RolloverChanges {
        guard let toYear = rollover.toYearID,
            let stored = try String.fetchOne(
                db, sql: "SELECT fingerprint FROM rollover WHERE id = ?", arguments: [rollover.id]
            ).flatMap(JSONValue.parseCanonical)
        else { return RolloverChanges(lines: [Note("changed-year-gone")]) }
        let now = try fingerprint(school: rollover.school, toYear: toYear, rollover: rollover.id, in: db)
        var lines: [Note] = []
        // A fingerprint of another version hashed rows differently: only the row counts still compare.
        let sameVersion = stored["version"] == now["version"]
        for key
            in (["academic_year", "approval_request"] + yearTables + ["student", "guardian", "consent", "application"])
        {
            guard let before = stored[key], let after = now[key],
                sameVersion ? before != after : before["rows"] != after["rows"]
            else { continue }
            let count = { (value: JSONValue) -> Int64 in
                if case .int(let n)? = value["rows"] { return n }
                return 0
            }
            // The table is named by what it holds (Note+Plan.swift, `changed-rows`).
            let table = ["table": key, "year": rollover.toYear]
            lines.append(
                count(before) == count(after)
                    ? Note("changed-rows", table)
                    : Note(
                        "changed-count",
                        table.merging(["now": String(count(after)), "count": String(count(before))]) { $1 }))
        }
        return RolloverChanges(lines: lines)
    }

    // MARK: Records

    static let rolloverColumns = """
        id, school_id, from_year_id, to_year_id, to_year_label, request_id, plan_hash, summary, state, applied_at,
        undone_at
        """

    static func rolloverRecord(_ row: Row) -> RolloverRecord {
        let summary: String = row["summary"]
        var lines: [String] = []
        if case .array(let values)? = JSONValue.parseCanonical(summary) {
            lines = values.compactMap { if case .string(let line) = $0 { line } else { nil } }
        }
        let undone: String? = row["undone_at"]
        return RolloverRecord(
            id: row["id"], school: row["school_id"], fromYearID: row["from_year_id"], toYearID: row["to_year_id"],
            toYear: row["to_year_label"], requestID: row["request_id"], planHash: row["plan_hash"], summary: lines,
            state: row["state"], appliedAt: StoredTime.date(row["applied_at"]), undoneAt: undone.map(StoredTime.date))
    }

    static func fetchRollover(id: Int64, in db: Database) throws -> RolloverRecord? {
        try Row.fetchOne(db, sql: "SELECT \(rolloverColumns) FROM rollover WHERE id = ?", arguments: [id])
            .map(rolloverRecord)
    }

    static func appliedRollover(from year: Int64, in db: Database) throws -> RolloverRecord? {
        try Row.fetchOne(
            db, sql: "SELECT \(rolloverColumns) FROM rollover WHERE from_year_id = ? AND state = 'applied'",
            arguments: [year]
        ).map(rolloverRecord)
    }

    /// The rollovers of `school`, newest first.
    public func rollovers(of school: String) async throws -> [RolloverRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.rolloverColumns) FROM rollover WHERE school_id = ? ORDER BY id DESC",
                arguments: [school]
            ).map(Self.rolloverRecord)
        }
    }
}
