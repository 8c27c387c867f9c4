import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// Makes the stored schools match the configuration: new schools are added, changed ones updated, and schools
    /// no longer configured are kept (their records still belong to them) but marked as not configured.
    /// Each change leaves an audit row; an unchanged configuration writes nothing. `grants`, when given, is the
    /// canonical list of role grants in force: a list different from the last one recorded is audited too, so that
    /// who held which role at any time can be read back from the chain.
    public func applyConfiguredSchools(
        _ schools: [School], grants: JSONValue? = nil, caller: Caller = .daemon, now: Date = Date()
    ) async throws {
        try await write { db in
            if let grants {
                let text = grants.canonicalText
                let last = try String.fetchOne(
                    db, sql: "SELECT details FROM audit_log WHERE action = 'config.grants' ORDER BY seq DESC LIMIT 1")
                let recorded = last.flatMap(JSONValue.parseCanonical)?["grants"]
                if recorded?.canonicalText != text {
                    try Self.appendAudit(
                        AuditEvent(
                            caller: caller, role: "daemon", school: nil, action: .configGrants,
                            target: "configuration",
                            details: .object(["grants": grants, "sha256": .string(Digest.sha256Hex(text))])),
                        at: now, in: db)
                }
            }
            var storedByID: [String: (School?, Bool)] = [:]
            for stored in try StoredSchool.fetchAll(db) { storedByID[stored.id] = (stored.school, stored.configured) }
            for school in schools {
                let grades = JSONValue.array(school.graduatingGrades.map { .int(Int64($0)) }).canonicalText
                let gradeEnds = JSONValue.object(
                    Dictionary(uniqueKeysWithValues: school.gradeEnds.map { (String($0), .string($1.description)) }))
                let arguments: StatementArguments = [
                    school.id, school.name, school.timeZone, school.firstGrade, school.lastGrade, grades,
                    school.defaultStart.description, school.defaultEnd.description, school.startSkipsSunday,
                    gradeEnds.canonicalText,
                ]
                if let (current, configured) = storedByID[school.id] {
                    if current == school && configured { continue }
                    try db.execute(
                        sql: """
                            UPDATE school SET name = ?2, time_zone = ?3, first_grade = ?4, last_grade = ?5,
                                graduating_grades = ?6, default_start = ?7, default_end = ?8,
                                start_skips_sunday = ?9, grade_ends = ?10, configured = 1
                            WHERE id = ?1
                            """, arguments: arguments)
                    try Self.appendAudit(
                        AuditEvent(
                            caller: caller, role: "daemon", school: school.id, action: .schoolUpdate,
                            target: "school:\(school.id)", details: .object(["name": .string(school.name)])),
                        at: now, in: db)
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO school (id, name, time_zone, first_grade, last_grade, graduating_grades,
                                default_start, default_end, start_skips_sunday, grade_ends)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: arguments)
                    try Self.appendAudit(
                        AuditEvent(
                            caller: caller, role: "daemon", school: school.id, action: .schoolAdd,
                            target: "school:\(school.id)", details: .object(["name": .string(school.name)])),
                        at: now, in: db)
                }
            }
            let configuredIDs = Set(schools.map(\.id))
            for (id, (_, configured)) in storedByID where configured && !configuredIDs.contains(id) {
                try db.execute(sql: "UPDATE school SET configured = 0 WHERE id = ?", arguments: [id])
                try Self.appendAudit(
                    AuditEvent(
                        caller: caller, role: "daemon", school: id, action: .schoolUnconfigure,
                        target: "school:\(id)", details: .object([:])),
                    at: now, in: db)
            }
        }
    }

    /// The configured schools, by id.
    public func configuredSchools() async throws -> [School] {
        try await pool.read { db in
            try StoredSchool.filter(StoredSchool.Columns.configured == true).order(StoredSchool.Columns.id)
                .fetchAll(db).compactMap(\.school)
        }
    }
}
